package im.sotto.xmpp;

import java.util.Optional;

import im.sotto.xmpp.RefusalReason;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jxmpp.jid.Jid;

/**
 * Keeps Sotto's one-to-one sessions out of multi-user chats (docs/threat-model.md, "Out of scope"). A session is
 * bound to an account: a room occupant's JID ({@code room@service/nick}) names none (the room rewrites the sender,
 * anyone can take a free nickname), and a {@code groupchat} stanza goes to every occupant. Both are refused with a
 * typed reason, before any decryption, handshake step or healing.
 */
final class MucGuard {
    /** XEP-0045: the element a room adds to what it relays from an occupant, private messages included. */
    static final String MUC_USER_NAMESPACE = "http://jabber.org/protocol/muc#user";

    private final MultiUserChatManager rooms;

    /** Made with the manager: the rooms this connection joined are known from Smack's multi-user chat manager. */
    MucGuard(XMPPConnection connection) {
        this.rooms = MultiUserChatManager.getInstanceFor(connection);
    }

    /**
     * Why a session for {@code stanza} with {@code other} (its sender when incoming, its addressee when outgoing)
     * is refused; empty when it is none of a multi-user chat's.
     */
    Optional<RefusalReason> refusal(Stanza stanza, Jid other) {
        if (stanza instanceof Message message && message.getType() == Message.Type.groupchat) {
            return Optional.of(RefusalReason.GROUPCHAT);
        }
        if (stanza.hasExtension(MUC_USER_NAMESPACE)
                || (other != null && other.asEntityBareJidIfPossible() != null
                        && rooms.getJoinedRooms().contains(other.asEntityBareJidIfPossible()))) {
            return Optional.of(RefusalReason.MUC_OCCUPANT);
        }
        return Optional.empty();
    }
}
