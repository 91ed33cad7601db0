package im.sotto.protocol.crypto;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The AEAD for every key that seals more than one message: each {@link #seal} draws a fresh 96-bit nonce from the
 * injected {@link SecureRandom} and returns it with the ciphertext, so no caller can choose, and so repeat, a nonce.
 * Random 96-bit nonces keep the chance of a repeat below 2^-32 for 2^32 seals under one key (NIST SP 800-38D,
 * section 8.3).
 *
 * <p>The key is not copied: the caller keeps owning it and wipes it when done.
 */
public final class RandomNonceAead {
    private final AeadAlgorithm algorithm;
    private final SecretBytes key;
    private final SecureRandom random;

    public RandomNonceAead(AeadAlgorithm algorithm, SecretBytes key, SecureRandom random) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.key = Objects.requireNonNull(key, "key");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Encrypts and authenticates under a nonce drawn here; the box carries the nonce. */
    public SealedBox seal(byte[] associatedData, byte[] plaintext) {
        byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
        random.nextBytes(nonce);
        return new SealedBox(nonce, algorithm.seal(key, nonce, associatedData, plaintext));
    }

    /** Verifies and decrypts a box; forged, moved or mis-keyed is an {@link AuthenticationFailedException}. */
    public byte[] open(SealedBox box, byte[] associatedData) throws AuthenticationFailedException {
        return open(algorithm, key, box, associatedData);
    }

    /**
     * Opens a box where nothing is sealed (a received message, a stored key), so no random source is involved.
     * Opening under the box's own nonce is safe whatever that nonce is; only sealing must never repeat one.
     */
    public static byte[] open(AeadAlgorithm algorithm, SecretBytes key, SealedBox box, byte[] associatedData)
            throws AuthenticationFailedException {
        return algorithm.open(key, box.nonce(), associatedData, box.ciphertext());
    }

    @Override
    public String toString() {
        return "RandomNonceAead[" + algorithm + ", key redacted]";
    }
}
