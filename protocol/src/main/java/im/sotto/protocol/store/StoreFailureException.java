package im.sotto.protocol.store;

/**
 * The store could not do its job: an I/O error, a full disk, or a record that failed its integrity check. Nothing
 * the failing transaction did was kept. Unchecked: the protocol cannot recover from it, only report it.
 */
public class StoreFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreFailureException(String message) {
        super(message);
    }
}
