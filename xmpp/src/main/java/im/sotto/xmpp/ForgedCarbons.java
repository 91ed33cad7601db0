package im.sotto.xmpp;

import java.util.Optional;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Tells a forged carbon copy from the server's own (XEP-0280 section 11): only this account's server makes carbons,
 * so their wrapper comes from our own bare JID. Smack hands only those to carbon listeners and drops the others
 * without a word; this finds the others so that the user hears of them ({@link SecurityEvent.ForgedCarbon}) while
 * their content is still never read. Pure: no state, no I/O.
 */
final class ForgedCarbons {
    private static final String SENT = CarbonExtension.Direction.sent.name();
    private static final String RECEIVED = CarbonExtension.Direction.received.name();

    private ForgedCarbons() {
    }

    /**
     * The report for {@code message} if it carries a carbon ({@code <sent/>} or {@code <received/>} of
     * {@code urn:xmpp:carbons:2}) and its sender is not {@code self}, our bare JID (a missing sender too: Smack does
     * not read such a copy either); empty for anything else.
     */
    static Optional<SecurityEvent.ForgedCarbon> check(Message message, BareJid self) {
        boolean sent = message.hasExtension(SENT, CarbonExtension.NAMESPACE);
        boolean received = message.hasExtension(RECEIVED, CarbonExtension.NAMESPACE);
        if (!sent && !received) {
            return Optional.empty();
        }
        Jid from = message.getFrom();
        if (from != null && self != null && from.equals(self)) {
            return Optional.empty();
        }
        return Optional.of(new SecurityEvent.ForgedCarbon(from == null ? null : from.asBareJid(), from,
                message.getStanzaId(), sent));
    }
}
