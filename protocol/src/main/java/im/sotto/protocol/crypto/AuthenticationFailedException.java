package im.sotto.protocol.crypto;

/** An AEAD tag, MAC or signature did not verify: the data was forged, altered or keyed differently. */
public final class AuthenticationFailedException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message) {
        super(message);
    }
}
