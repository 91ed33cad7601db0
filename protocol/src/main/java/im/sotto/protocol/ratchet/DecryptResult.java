package im.sotto.protocol.ratchet;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What became of an incoming message: one case per thing the caller can act on. Only {@link Decrypted} changed the
 * session; {@link Duplicate} and {@link Undecryptable} left it exactly as it was.
 */
public sealed interface DecryptResult
        permits DecryptResult.Decrypted, DecryptResult.Duplicate, DecryptResult.Undecryptable {

    /** Why a message could not be decrypted. */
    enum Reason {
        /** The header decrypted but the payload's tag did not verify: altered, forged or mis-bound associated data. */
        BAD_AUTH_TAG,
        /** No header key this session holds decrypts the header: forged, for another session, or too old. */
        UNKNOWN_HEADER_KEY,
        /** Decrypting it would exceed a skipped-key limit ({@link RatchetLimits}); no key was derived. */
        TOO_FAR_AHEAD,
        /** Not a well-formed ratchet message: truncated, oversized, unknown type, or an inconsistent header. */
        MALFORMED,
        /** The version byte names a version this implementation does not speak. */
        UNSUPPORTED_VERSION,
        /** The message key it needed was held longer than {@link RatchetLimits#SKIPPED_KEY_LIFETIME} and deleted. */
        EXPIRED
    }

    /**
     * A message decrypted for the first time.
     *
     * @param sequence the peer's session-wide number of this message (0 for its first)
     * @param messageNumber its number within the peer's sending chain (the header's N)
     * @param acknowledged how many of our messages the peer had received (up to its newest) when it sent this one
     * @param late true if it arrived after a later message and was decrypted with a held key
     * @param newlyMissing the peer's messages this one proved missing (empty for in-order delivery)
     */
    record Decrypted(byte[] plaintext, long sequence, int messageNumber, long acknowledged, boolean late,
            List<SequenceRange> newlyMissing) implements DecryptResult {
        public Decrypted {
            plaintext = plaintext.clone();
            newlyMissing = List.copyOf(newlyMissing);
        }

        @Override
        public byte[] plaintext() {
            return plaintext.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Decrypted d && Arrays.equals(plaintext, d.plaintext) && sequence == d.sequence
                    && messageNumber == d.messageNumber && acknowledged == d.acknowledged && late == d.late
                    && newlyMissing.equals(d.newlyMissing);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sequence, messageNumber, acknowledged, late, newlyMissing);
        }

        @Override
        public String toString() {
            return "Decrypted[sequence=" + sequence + ", messageNumber=" + messageNumber + ", acknowledged="
                    + acknowledged + ", late=" + late + ", newlyMissing=" + newlyMissing + ", plaintext="
                    + plaintext.length + " bytes]";
        }
    }

    /** This message was already decrypted; it is a replay (or a re-delivery) and was dropped before any state change. */
    record Duplicate(long sequence, int messageNumber) implements DecryptResult {}

    /** The message was rejected; the session is unchanged. */
    record Undecryptable(Reason reason) implements DecryptResult {
        public Undecryptable {
            Objects.requireNonNull(reason);
        }
    }
}
