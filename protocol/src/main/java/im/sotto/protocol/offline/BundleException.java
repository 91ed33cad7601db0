package im.sotto.protocol.offline;

/** A prekey bundle was rejected. */
public final class BundleException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        MALFORMED, UNSUPPORTED_VERSION, BAD_SIGNATURE, DUPLICATE_PREKEY_ID, OVERSIZED, NO_COMMON_SUITE
    }

    private final Kind kind;

    public BundleException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
