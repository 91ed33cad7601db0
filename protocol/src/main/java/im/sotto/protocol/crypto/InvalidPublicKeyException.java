package im.sotto.protocol.crypto;

/** A peer's public key is malformed or of low order (its Diffie-Hellman result would be all zero). */
public final class InvalidPublicKeyException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public InvalidPublicKeyException(String message) {
        super(message);
    }
}
