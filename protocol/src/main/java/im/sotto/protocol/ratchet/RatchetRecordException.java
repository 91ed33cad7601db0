package im.sotto.protocol.ratchet;

/** A stored session record is not one this version can load: unknown version, truncated, or inconsistent. */
public final class RatchetRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public RatchetRecordException(String message) {
        super(message);
    }

    public RatchetRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
