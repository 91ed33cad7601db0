package im.sotto.protocol.noise;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.DeterministicNonceAead;
import im.sotto.protocol.crypto.SecretBytes;

/**
 * Noise's CipherState: a key and a 64-bit counter nonce. The nonce is library-owned, so no caller can reuse one.
 * Encoding per Noise section 12: AESGCM puts the counter big-endian, ChaChaPoly little-endian, after 4 zero bytes.
 */
public final class CipherState {
    /** 2^64-1 is reserved by Noise; a Java long counter stops one short of the unsigned limit to stay simple. */
    private static final long MAX_NONCE = Long.MAX_VALUE;

    private final AeadAlgorithm aead;
    private SecretBytes key;
    /** The AEAD keyed with {@link #key}; Noise fixes the nonce (this state's counter), so it is deterministic. */
    private DeterministicNonceAead keyed;
    private long nonce;

    CipherState(AeadAlgorithm aead) {
        this.aead = aead;
    }

    void initializeKey(SecretBytes newKey) {
        if (key != null) {
            key.wipe();
        }
        key = newKey;
        keyed = new DeterministicNonceAead(aead, newKey);
        nonce = 0;
    }

    public boolean hasKey() {
        return key != null;
    }

    public long nonce() {
        return nonce;
    }

    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        if (key == null) {
            return plaintext.clone();
        }
        checkNonce();
        byte[] out = keyed.sealWithProtocolNonce(encodeNonce(nonce), ad, plaintext);
        nonce++;
        return out;
    }

    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws AuthenticationFailedException {
        if (key == null) {
            return ciphertext.clone();
        }
        checkNonce();
        byte[] out = keyed.open(encodeNonce(nonce), ad, ciphertext);
        nonce++; // only after success: a forged message does not consume a nonce
        return out;
    }

    private void checkNonce() {
        if (nonce == MAX_NONCE) {
            throw new IllegalStateException("Noise nonce exhausted; the session must be re-established");
        }
    }

    byte[] encodeNonce(long n) {
        byte[] out = new byte[AeadAlgorithm.NONCE_LENGTH];
        for (int i = 0; i < 8; i++) {
            int shift = aead == AeadAlgorithm.AES_256_GCM ? 56 - 8 * i : 8 * i;
            out[4 + i] = (byte) (n >>> shift);
        }
        return out;
    }

    /** Key for the transport phase; the caller takes ownership. Used to seed the Double Ratchet. */
    SecretBytes key() {
        return key;
    }

    void wipe() {
        if (key != null) {
            key.wipe();
            key = null;
            keyed = null;
        }
    }

    @Override
    public String toString() {
        return "CipherState[" + aead.noiseName() + ", nonce=" + nonce + ", key redacted]";
    }
}
