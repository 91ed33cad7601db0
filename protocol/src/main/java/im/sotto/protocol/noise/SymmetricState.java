package im.sotto.protocol.noise;

import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Noise's SymmetricState: chaining key, handshake hash and the current CipherState (Noise section 5.2). Public so
 * that Sotto's one-way offline first message can be built from the same, vector-tested operations.
 */
public final class SymmetricState {
    private final CipherSuite suite;
    private final HashAlgorithm hash;
    private final CipherState cipher;
    private SecretBytes chainingKey;
    private byte[] h;

    public SymmetricState(CipherSuite suite, String protocolName) {
        this.suite = suite;
        this.hash = suite.hash();
        this.cipher = new CipherState(suite.aead());
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= hash.length() ? Arrays.copyOf(name, hash.length()) : hash.digest(name);
        chainingKey = SecretBytes.copyOf(h);
    }

    public void mixKey(SecretBytes inputKeyMaterial) {
        SecretBytes[] out = hkdf(inputKeyMaterial, 2);
        chainingKey.wipe();
        chainingKey = out[0];
        cipher.initializeKey(truncateToKey(out[1]));
    }

    public void mixHash(byte[] data) {
        h = hash.digest(h, data);
    }

    public void mixKeyAndHash(SecretBytes inputKeyMaterial) {
        SecretBytes[] out = hkdf(inputKeyMaterial, 3);
        chainingKey.wipe();
        chainingKey = out[0];
        byte[] tempH = out[1].reveal();
        mixHash(tempH);
        Arrays.fill(tempH, (byte) 0);
        out[1].wipe();
        cipher.initializeKey(truncateToKey(out[2]));
    }

    public byte[] handshakeHash() {
        return h.clone();
    }

    public boolean hasKey() {
        return cipher.hasKey();
    }

    public byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    public byte[] decryptAndHash(byte[] ciphertext) throws AuthenticationFailedException {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** Two transport CipherStates: the first for initiator-to-responder traffic, the second for the reverse. */
    CipherState[] split() {
        SecretBytes[] out = hkdf(SecretBytes.copyOf(new byte[0]), 2);
        CipherState c1 = new CipherState(suite.aead());
        CipherState c2 = new CipherState(suite.aead());
        c1.initializeKey(truncateToKey(out[0]));
        c2.initializeKey(truncateToKey(out[1]));
        return new CipherState[] {c1, c2};
    }

    public void wipe() {
        chainingKey.wipe();
        cipher.wipe();
    }

    /**
     * Keying material for what follows (Sotto seeds its Double Ratchet from it): HKDF with the current handshake
     * hash as salt, both Split() outputs as input and {@code info} as the label. Wipes this state.
     */
    public SecretBytes exportSecret(byte[] info, int length) {
        return exportSecret(info, length, null);
    }

    /** As above, with {@code extra} (if not null) appended to the HKDF input after both Split() keys. */
    public SecretBytes exportSecret(byte[] info, int length, SecretBytes extra) {
        byte[] salt = handshakeHash();
        CipherState[] pair = split();
        byte[] k1 = pair[0].key().reveal();
        byte[] k2 = pair[1].key().reveal();
        byte[] k3 = extra == null ? new byte[0] : extra.reveal();
        byte[] ikm = Arrays.copyOf(k1, k1.length + k2.length + k3.length);
        System.arraycopy(k2, 0, ikm, k1.length, k2.length);
        System.arraycopy(k3, 0, ikm, k1.length + k2.length, k3.length);
        Arrays.fill(k3, (byte) 0);
        pair[0].wipe();
        pair[1].wipe();
        Arrays.fill(k1, (byte) 0);
        Arrays.fill(k2, (byte) 0);
        SecretBytes input = SecretBytes.copyOf(ikm);
        Arrays.fill(ikm, (byte) 0);
        try {
            return Hkdf.derive(hash, salt, input, info, length);
        } finally {
            input.wipe();
            wipe();
        }
    }

    /** Noise's HKDF(chaining_key, input_key_material, num_outputs). */
    private SecretBytes[] hkdf(SecretBytes ikm, int outputs) {
        SecretBytes tempKey = Hkdf.extract(hash, chainingKey.reveal(), ikm);
        try {
            SecretBytes all = Hkdf.expand(hash, tempKey, new byte[0], outputs * hash.length());
            byte[] bytes = all.reveal();
            all.wipe();
            SecretBytes[] result = new SecretBytes[outputs];
            for (int i = 0; i < outputs; i++) {
                byte[] part = Arrays.copyOfRange(bytes, i * hash.length(), (i + 1) * hash.length());
                result[i] = SecretBytes.copyOf(part);
                Arrays.fill(part, (byte) 0);
            }
            Arrays.fill(bytes, (byte) 0);
            return result;
        } finally {
            tempKey.wipe();
        }
    }

    private SecretBytes truncateToKey(SecretBytes k) {
        int keyLength = suite.aead().keyLength();
        if (k.length() == keyLength) {
            return k;
        }
        byte[] bytes = k.reveal();
        SecretBytes truncated = SecretBytes.copyOf(Arrays.copyOf(bytes, keyLength));
        Arrays.fill(bytes, (byte) 0);
        k.wipe();
        return truncated;
    }
}
