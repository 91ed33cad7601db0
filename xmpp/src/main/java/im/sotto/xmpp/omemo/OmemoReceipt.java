package im.sotto.xmpp.omemo;

import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoIdentityKey;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.xmpp.DecryptedStanza;

import org.jxmpp.jid.BareJid;

/** What {@link OmemoReceiver#receive} did with one stanza carrying an OMEMO 0.3 element. */
public sealed interface OmemoReceipt {
    /** Whether a one-time prekey was used up: the bundle must be refilled and republished. */
    boolean republish();

    /**
     * A message, decrypted: {@code stanza} has {@code SessionOrigin.OMEMO} and carries the plaintext body; the
     * sending device's identity key and its trust level come with it.
     */
    record Delivered(DecryptedStanza stanza, OmemoIdentityKey senderKey, OmemoTrustLevel level, boolean republish)
            implements OmemoReceipt {
    }

    /** A key transport message (no payload): it moved the session forward; nothing to show. */
    record KeyTransport(BareJid peer, long deviceId, boolean republish) implements OmemoReceipt {
    }

    /** Not delivered, for a typed reason; no store changed. */
    record Refused(BareJid peer, long deviceId, OmemoFailure reason, String detail) implements OmemoReceipt {
        @Override
        public boolean republish() {
            return false;
        }
    }
}
