package im.sotto.protocol.crypto;

/**
 * A KEM ciphertext from the peer is malformed (wrong length). A well-formed ciphertext that was tampered with is
 * not an error: ML-KEM's implicit rejection turns it into a pseudo-random shared secret that matches nobody's.
 */
public final class InvalidCiphertextException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public InvalidCiphertextException(String message) {
        super(message);
    }
}
