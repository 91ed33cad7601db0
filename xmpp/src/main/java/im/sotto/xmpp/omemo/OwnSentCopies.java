package im.sotto.xmpp.omemo;

import java.util.Optional;

import im.sotto.xmpp.DecryptedStanza;

import org.jivesoftware.smack.packet.Message;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * What this account's other OMEMO devices sent (a Conversations phone, a Smack client...), as the server copies it
 * here (XEP-0280 carbons, direction "sent"). Only the account's own server may make such a copy: a carbon from
 * anyone else is a contact trying to put words in the user's mouth and is ignored, as XEP-0280's security
 * considerations require. Pure: no state, no I/O.
 */
public final class OwnSentCopies {
    private OwnSentCopies() {
    }

    /**
     * The copy to decrypt, if {@code wrapper} is a sent carbon this account's server made: the wrapper comes from
     * our bare JID, the copy from one of our resources, addressed to someone.
     */
    public static Optional<Message> accept(BareJid self, Message wrapper, Message copy) {
        Jid wrapperFrom = wrapper.getFrom();
        Jid copyFrom = copy.getFrom();
        if (wrapperFrom == null || !wrapperFrom.equals(self) || copyFrom == null
                || !copyFrom.asBareJid().equals(self) || copy.getTo() == null) {
            return Optional.empty();
        }
        return Optional.of(copy);
    }

    /**
     * The decrypted copy as the user's own message in the conversation with its recipient: {@code peer} is the
     * recipient's account, the stanza keeps our device as its sender (how the CLI tells "yours").
     */
    public static DecryptedStanza yours(DecryptedStanza decrypted, Message copy) {
        return new DecryptedStanza(decrypted.stanza(), copy.getTo().asBareJid(), decrypted.deviceId(),
                decrypted.accountFingerprint(), decrypted.trust(), decrypted.authenticated(),
                decrypted.deviceApproved(), decrypted.sas(), decrypted.origin(), decrypted.sentAt(),
                decrypted.continuity());
    }
}
