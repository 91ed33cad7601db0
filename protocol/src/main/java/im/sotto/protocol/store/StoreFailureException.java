package im.sotto.protocol.store;

import java.util.Objects;

/**
 * The store could not do its job: an I/O error, a full disk, or a record that failed its integrity check. Nothing
 * the failing transaction did was kept. Unchecked: the protocol cannot recover from it, only report it, and
 * {@link #kind()} says what the user can do about it.
 */
public class StoreFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as the store can tell. */
    public enum Kind {
        /** A stored record failed its integrity check or its format: the file was damaged or altered. */
        DAMAGED,
        /** The disk (or the file system's quota) is full. */
        DISK_FULL,
        /** The store's file or folder cannot be written. */
        READ_ONLY,
        /** Any other input/output failure. */
        IO
    }

    private final Kind kind;

    public StoreFailureException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public StoreFailureException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** An input/output failure of no more specific kind. */
    public StoreFailureException(String message, Throwable cause) {
        this(Kind.IO, message, cause);
    }

    /** An input/output failure of no more specific kind. */
    public StoreFailureException(String message) {
        this(Kind.IO, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
