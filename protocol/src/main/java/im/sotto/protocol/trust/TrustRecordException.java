package im.sotto.protocol.trust;

/** A stored trust record is not one this version can load: unknown version, truncated, or inconsistent. */
public final class TrustRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrustRecordException(String message) {
        super(message);
    }
}
