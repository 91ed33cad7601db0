package im.sotto.protocol.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/** An immutable Ed25519 signing key (its 32-byte seed) with its public key. */
public final class Ed25519KeyPair {
    private final SecretBytes seed;
    private final byte[] publicKey;

    private Ed25519KeyPair(SecretBytes seed, byte[] publicKey) {
        this.seed = seed;
        this.publicKey = publicKey;
    }

    public static Ed25519KeyPair generate(SecureRandom random) {
        byte[] seed = new byte[Ed25519.SEED_LENGTH];
        random.nextBytes(seed);
        return fromSeed(SecretBytes.adopt(seed));
    }

    public static Ed25519KeyPair fromSeed(SecretBytes seed) {
        if (seed.length() != Ed25519.SEED_LENGTH) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
        }
        return new Ed25519KeyPair(seed, Ed25519.publicKeyOf(seed.unsafeView()));
    }

    public SecretBytes seed() {
        return seed;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(seed.unsafeView(), publicKey, message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ed25519KeyPair && seed.equalsSecret(((Ed25519KeyPair) o).seed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "Ed25519KeyPair[seed redacted]";
    }
}
