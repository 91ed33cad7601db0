package im.sotto.xmpp.omemo2;

import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.xmpp.DecryptedStanza;

import org.jxmpp.jid.BareJid;

/** What {@link Omemo2Receiver#receive} did with one stanza carrying an OMEMO 2 element. */
public sealed interface Omemo2Receipt {
    /** Whether a one-time prekey was used up: the bundle must be refilled and republished. */
    boolean republish();

    /** A message, decrypted and its envelope checked: {@code stanza} has {@code SessionOrigin.OMEMO_2}. */
    record Delivered(DecryptedStanza stanza, boolean republish) implements Omemo2Receipt {
    }

    /**
     * An empty OMEMO message, or an envelope whose content has no body (a chat state, say): the session moved on,
     * nothing to show.
     */
    record NothingToShow(BareJid peer, long deviceId, boolean republish) implements Omemo2Receipt {
    }

    /** Not delivered, for a typed reason; no store changed. */
    record Refused(BareJid peer, long deviceId, OmemoFailure reason, String detail) implements Omemo2Receipt {
        @Override
        public boolean republish() {
            return false;
        }
    }
}
