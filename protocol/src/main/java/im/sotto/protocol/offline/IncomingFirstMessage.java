package im.sotto.protocol.offline;

import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.ratchet.RatchetSession;
import java.util.Objects;

/** What became of a received first message. Only {@link Accepted} carries new state, which the caller commits. */
public sealed interface IncomingFirstMessage permits IncomingFirstMessage.Accepted, IncomingFirstMessage.Rejected {

    enum Reason {
        /** Not a well-formed first message. */
        MALFORMED,
        /** A version this implementation does not speak. */
        UNSUPPORTED_VERSION,
        /** A suite this device did not publish. */
        UNSUPPORTED_SUITE,
        /** This exact first message was accepted before (it used only the signed prekey): a replay. */
        REPLAYED,
        /** It names a one-time prekey this device no longer has: used before (a replay) or never ours. */
        ONE_TIME_PREKEY_GONE,
        /**
         * No signed prekey this device holds opens it: sent to a key deleted after the forward-secrecy window, or
         * altered in transit.
         */
        UNKNOWN_SIGNED_PREKEY,
        /** A later part failed authentication: altered in transit, or forged. */
        TAMPERED,
        /** The sender's certificate is malformed, badly signed or outside its validity. */
        CERTIFICATE_INVALID
    }

    /**
     * The session is established: the sender is authenticated by its certificate and the key agreement with its
     * device key. {@code vault} is the prekey state with the used one-time prekey removed (and the replay cache
     * updated); the caller stores it together with the session in one transaction.
     */
    record Accepted(RatchetSession session, DeviceCertificate sender, byte[] plaintext, byte[] transcriptHash,
            PreKeyVault vault) implements IncomingFirstMessage {
        public Accepted {
            Objects.requireNonNull(session);
            plaintext = plaintext.clone();
            transcriptHash = transcriptHash.clone();
        }

        @Override
        public byte[] plaintext() {
            return plaintext.clone();
        }

        @Override
        public byte[] transcriptHash() {
            return transcriptHash.clone();
        }

        @Override
        public String toString() {
            return "Accepted[" + sender + ", " + plaintext.length + " bytes]";
        }
    }

    record Rejected(Reason reason, String detail) implements IncomingFirstMessage {
        public Rejected {
            Objects.requireNonNull(reason);
        }
    }
}
