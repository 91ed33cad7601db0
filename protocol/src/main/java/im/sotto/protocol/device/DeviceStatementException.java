package im.sotto.protocol.device;

/** A revocation or label statement, or their list, was refused; the kind says why. A refused one changes nothing. */
public final class DeviceStatementException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a revocation was refused. */
    public enum Kind {
        /** Truncated, trailing bytes, a device id out of range, ids not strictly increasing. */
        MALFORMED,
        /** A version (statement) or format (list) this implementation does not know. */
        UNSUPPORTED_VERSION,
        /** More statements than {@link RevocationList#MAX_STATEMENTS}. */
        TOO_MANY,
        /** The signature does not verify under the account key the peer trusts for that account. */
        BAD_SIGNATURE
    }

    private final Kind kind;

    public DeviceStatementException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
