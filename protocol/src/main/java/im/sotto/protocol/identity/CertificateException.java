package im.sotto.protocol.identity;

/** A device certificate was rejected; the kind says why. */
public final class CertificateException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        MALFORMED, UNSUPPORTED_FORMAT, BAD_SIGNATURE, NOT_YET_VALID, EXPIRED
    }

    private final Kind kind;

    public CertificateException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
