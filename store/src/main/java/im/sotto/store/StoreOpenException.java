package im.sotto.store;

/** A store could not be opened or created, with one {@link Kind} per outcome the caller can act on. */
public final class StoreOpenException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The passphrase does not unlock this store. */
        WRONG_PASSPHRASE,
        /** The key file is well-formed but does not unlock this store. */
        WRONG_KEY_FILE,
        /** The key file is missing, malformed, or readable by other users. */
        KEY_FILE_INVALID,
        /** The store is protected the other way (a passphrase where a key file was given, or the reverse). */
        PROTECTION_MISMATCH,
        /** Another process (or another open store in this one) holds the store. */
        IN_USE,
        /** The file is not a Sotto store. */
        NOT_A_STORE,
        /** The file was written by a newer version of Sotto; this one cannot read it. */
        NEWER_SCHEMA,
        /** The file is a Sotto store but its key data is damaged. */
        CORRUPT,
        /** The disk is full: the store could not write what opening it needs (its journal, a migration). */
        DISK_FULL,
        /** The store's file or folder cannot be written. */
        READ_ONLY
    }

    private final Kind kind;

    public StoreOpenException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StoreOpenException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
