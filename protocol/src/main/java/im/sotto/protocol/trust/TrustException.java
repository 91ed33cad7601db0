package im.sotto.protocol.trust;

/** A trust decision could not be applied to a contact's state; the kind says why. The state is unchanged. */
public final class TrustException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The decision is about another account key than the one pinned (a key change raced with it). */
        KEY_NOT_PINNED,
        /** The certification names another JID than this contact's. */
        JID_MISMATCH,
        /** Approval of a device that is not waiting for approval. */
        DEVICE_NOT_PENDING
    }

    private final Kind kind;

    public TrustException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
