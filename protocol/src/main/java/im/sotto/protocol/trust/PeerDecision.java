package im.sotto.protocol.trust;

import java.util.Objects;

/**
 * What to do with a peer device that presented a (signature-checked) device certificate, and the contact's trust
 * state to store afterwards (it may record a new device or a changed key).
 */
public record PeerDecision(Outcome outcome, long deviceId, ContactTrust trust) {
    public enum Outcome {
        /** The device is certified by the pinned key and approved (or the contact is unverified): send to it. */
        ALLOWED,
        /** The contact is verified or certified and this device is new: hold messages until the user approves. */
        NEW_DEVICE_NEEDS_APPROVAL,
        /** The device is certified by another account key than the pinned one: stop, alert, hold (like SSH). */
        ACCOUNT_KEY_CHANGED,
        /** The user distrusted this contact's key: send nothing. */
        DISTRUSTED,
        /** The contact already has {@link ContactTrust#MAX_DEVICES} devices on record: not sent; forget some. */
        DEVICE_LIMIT_REACHED
    }

    public PeerDecision {
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(trust);
    }

    /** True only for {@link Outcome#ALLOWED}; every other outcome holds the messages. */
    public boolean maySend() {
        return outcome == Outcome.ALLOWED;
    }
}
