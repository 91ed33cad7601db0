package im.sotto.xmpp.omemo;

import java.util.Optional;

import org.jivesoftware.smack.packet.Message;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * What a contact sent to another resource of this account (profanity and other clients answer the full JID they
 * last heard from, e.g. our OMEMO phone), as the server copies it here (XEP-0280 carbons, direction "received"). Its
 * OMEMO element carries a key for this device too, since OMEMO clients encrypt for every device of the account. Only
 * the account's own server may make such a copy: one from anyone else would let a contact pass words off as someone
 * else's (the {@code SecurityEvent.ForgedCarbon} case). Pure: no state, no I/O.
 */
public final class ReceivedCopies {
    private ReceivedCopies() {
    }

    /**
     * The copy to decrypt, if {@code wrapper} is a received carbon this account's server made: the wrapper comes from
     * our bare JID, the copy has a sender and is addressed to another resource of ours (a copy addressed to this
     * resource or to the bare JID reached us as the message itself; reading the carbon too would show it twice).
     */
    public static Optional<Message> accept(EntityFullJid self, Message wrapper, Message copy) {
        BareJid own = self.asBareJid();
        Jid wrapperFrom = wrapper.getFrom();
        Jid to = copy.getTo();
        if (wrapperFrom == null || !wrapperFrom.equals(own) || copy.getFrom() == null || to == null
                || !to.isEntityFullJid() || !to.asBareJid().equals(own) || to.equals(self)) {
            return Optional.empty();
        }
        return Optional.of(copy);
    }
}
