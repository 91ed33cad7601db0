package im.sotto.protocol.crypto;

import java.util.Objects;

/**
 * The AEAD for the protocols whose nonce is part of their specification, never for anything else: Noise's
 * CipherState (a 64-bit counter that the state owns and increments) and the Double Ratchet's payload (key and nonce
 * derived together from a message key that seals exactly one message). The caller guarantees that a nonce never
 * repeats under one key; everywhere else use {@link RandomNonceAead}, which draws its own.
 *
 * <p>Its users are listed in {@code NonceOwnershipTest}, which fails when a new one appears in the protocol core.
 * The key is not copied: the caller keeps owning it and wipes it when done.
 */
public final class DeterministicNonceAead {
    private final AeadAlgorithm algorithm;
    private final SecretBytes key;

    public DeterministicNonceAead(AeadAlgorithm algorithm, SecretBytes key) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** Encrypts and authenticates under the protocol's nonce (12 bytes), which must never repeat under this key. */
    public byte[] sealWithProtocolNonce(byte[] protocolNonce, byte[] associatedData, byte[] plaintext) {
        return algorithm.seal(key, protocolNonce, associatedData, plaintext);
    }

    /** Verifies and decrypts; forged, truncated or mis-keyed is an {@link AuthenticationFailedException}. */
    public byte[] open(byte[] protocolNonce, byte[] associatedData, byte[] ciphertext)
            throws AuthenticationFailedException {
        return algorithm.open(key, protocolNonce, associatedData, ciphertext);
    }

    @Override
    public String toString() {
        return "DeterministicNonceAead[" + algorithm + ", key redacted]";
    }
}
