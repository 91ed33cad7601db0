package im.sotto.xmpp.pep;

import java.util.List;

import im.sotto.xmpp.pep.PepException.Kind;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.pubsub.GetItemsRequest;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.ItemsExtension;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.BareJid;

/**
 * The PEP requests of Sotto, OMEMO 0.3 and OMEMO 2, built and sent one way: a read sent ahead at login or before a
 * send ({@link PepReadAhead#readAhead}) is answered only if the read made later is the same request, so each node's
 * read is built here, once, and every request goes through the connection's {@link PepReadAhead}.
 */
public final class PepRequests {
    private PepRequests() {
    }

    /** The read of every item of {@code owner}'s {@code node} (XEP-0060 6.5.2). */
    public static PubSub itemsRequest(BareJid owner, String node) {
        return PubSub.createPubsubPacket(owner, IQ.Type.get, new GetItemsRequest(node));
    }

    /** The read of the item {@code itemId} of {@code owner}'s {@code node} (XEP-0060 6.5.8). */
    public static PubSub itemRequest(BareJid owner, String node, String itemId) {
        return PubSub.createPubsubPacket(owner, IQ.Type.get,
                new ItemsExtension(ItemsExtension.ItemsElementType.items, node, List.of(new Item(itemId))));
    }

    /**
     * Sends {@code request} through the connection's read-ahead and returns the server's answer; an error answer is
     * thrown as Smack's, no answer (or no connection) as {@link Kind#NO_RESPONSE}.
     */
    public static IQ send(XMPPConnection connection, IQ request)
            throws XMPPException.XMPPErrorException, PepException, InterruptedException {
        try {
            return PepReadAhead.of(connection).send(request);
        } catch (SmackException.NoResponseException | SmackException.NotConnectedException e) {
            throw new PepException(Kind.NO_RESPONSE, null, "no answer to " + request.getChildElementName(), e);
        }
    }

    /**
     * Sends a read of {@code owner}'s {@code node} and returns the pubsub answer. The answers every reader treats
     * alike are typed here: no such node ({@link Kind#NOT_FOUND}), a node that is not open to us
     * ({@link Kind#ACCESS_DENIED}), an answer that is no pubsub result ({@link Kind#MALFORMED_ITEM}); any other
     * error answer is thrown as Smack's, for the caller to name.
     */
    public static PubSub read(XMPPConnection connection, PubSub read, BareJid owner, String node)
            throws XMPPException.XMPPErrorException, PepException, InterruptedException {
        IQ answer;
        try {
            answer = send(connection, read);
        } catch (XMPPException.XMPPErrorException e) {
            StanzaError.Condition condition = e.getStanzaError().getCondition();
            if (condition == StanzaError.Condition.item_not_found) {
                throw new PepException(Kind.NOT_FOUND, condition, owner + " has no node " + node, e);
            }
            if (condition == StanzaError.Condition.forbidden || condition == StanzaError.Condition.not_authorized
                    || condition == StanzaError.Condition.subscription_required
                    || condition == StanzaError.Condition.registration_required) {
                throw new PepException(Kind.ACCESS_DENIED, condition, owner + "'s node " + node + " is not open", e);
            }
            throw e;
        }
        if (!(answer instanceof PubSub)) {
            throw new PepException(Kind.MALFORMED_ITEM, "the answer is not a pubsub result");
        }
        return (PubSub) answer;
    }
}
