package im.sotto.protocol.crypto;

/** The result of encapsulating to a peer's key: the ciphertext to send, and the shared secret to keep. */
public final class MlKemEncapsulation {
    private final byte[] ciphertext;
    private final SecretBytes sharedSecret;

    MlKemEncapsulation(byte[] ciphertext, SecretBytes sharedSecret) {
        this.ciphertext = ciphertext;
        this.sharedSecret = sharedSecret;
    }

    /** 1,088 bytes, for the peer. */
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    /** 32 bytes. */
    public SecretBytes sharedSecret() {
        return sharedSecret;
    }

    @Override
    public String toString() {
        return "MlKemEncapsulation[ciphertext " + ciphertext.length + " bytes, shared secret redacted]";
    }
}
