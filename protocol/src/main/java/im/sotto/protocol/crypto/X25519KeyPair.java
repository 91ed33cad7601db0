package im.sotto.protocol.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/** An immutable X25519 key pair. The private half stays inside {@link SecretBytes}. */
public final class X25519KeyPair {
    private final SecretBytes privateKey;
    private final byte[] publicKey;

    private X25519KeyPair(SecretBytes privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static X25519KeyPair generate(SecureRandom random) {
        return X25519.generateKeyPair(random);
    }

    /** Rebuilds a pair from a stored private key (the store and the known-answer tests need this). */
    public static X25519KeyPair fromPrivate(SecretBytes privateKey) {
        if (privateKey.length() != X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private key must be 32 bytes");
        }
        return new X25519KeyPair(privateKey, X25519.publicKeyOf(privateKey.unsafeView()));
    }

    /**
     * Rebuilds a pair from a record this library wrote itself and the store authenticated (AEAD at rest), without
     * recomputing the public half: that scalar multiplication was most of the cost of loading a session. Also for
     * an independent copy of a pair that already exists (the ratchet's own copy of a responder's key). Never for keys
     * from outside; a mismatched pair would only break the session it belongs to.
     */
    public static X25519KeyPair restore(SecretBytes privateKey, byte[] publicKey) {
        if (privateKey.length() != X25519.KEY_LENGTH || publicKey == null || publicKey.length != X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 keys are 32 bytes");
        }
        return new X25519KeyPair(privateKey, publicKey.clone());
    }

    public SecretBytes privateKey() {
        return privateKey;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public SecretBytes agree(byte[] peerPublicKey) throws InvalidPublicKeyException {
        return X25519.agree(privateKey, peerPublicKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X25519KeyPair && privateKey.equalsSecret(((X25519KeyPair) o).privateKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "X25519KeyPair[private redacted]";
    }
}
