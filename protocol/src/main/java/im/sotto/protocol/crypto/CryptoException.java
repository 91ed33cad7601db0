package im.sotto.protocol.crypto;

/** A cryptographic check failed on input from outside. Never wraps provider exceptions in public signatures. */
public abstract class CryptoException extends Exception {
    private static final long serialVersionUID = 1L;

    protected CryptoException(String message) {
        super(message);
    }
}
