package im.sotto.protocol.ratchet;

import java.time.Instant;

/** A message key held for a message that has not arrived yet, with the time it was derived (for expiry). */
record SkippedKey(MessageKey key, long createdAtMillis) {
    boolean expiredAt(Instant now) {
        return now.toEpochMilli() - createdAtMillis >= RatchetLimits.SKIPPED_KEY_LIFETIME.toMillis();
    }

    @Override
    public String toString() {
        return "SkippedKey[redacted, created=" + createdAtMillis + "]";
    }
}
