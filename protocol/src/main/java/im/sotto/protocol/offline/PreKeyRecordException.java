package im.sotto.protocol.offline;

/** A stored prekey record could not be read: corrupted, truncated, or written by an unknown version. */
public final class PreKeyRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public PreKeyRecordException(String message) {
        super(message);
    }
}
