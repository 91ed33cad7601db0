package im.sotto.protocol.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEADs Sotto uses, on the JDK's providers: AES-GCM runs on the CPU's AES instructions (3x BouncyCastle at
 * chat sizes); SunJCE's ChaCha20-Poly1305 draws with BouncyCastle's at 256 bytes on JDK 17 and wins at larger
 * sizes and on newer JDKs (docs/performance.md). Both take 96-bit nonces and produce 128-bit tags.
 *
 * <p>This enum names an algorithm; it encrypts nothing by itself. Sealing goes through a primitive bound to a key:
 * {@link RandomNonceAead}, which draws every nonce itself (the default, Tink's rule), or
 * {@link DeterministicNonceAead}, for the protocols whose nonce is fixed by the protocol (Noise's counter, the
 * Double Ratchet's nonce derived with a single-use message key).
 */
public enum AeadAlgorithm {
    AES_256_GCM("AESGCM", "AES/GCM/NoPadding", "AES", 32) {
        @Override
        java.security.spec.AlgorithmParameterSpec params(byte[] nonce) {
            return new GCMParameterSpec(TAG_LENGTH * 8, nonce);
        }
    },
    CHACHA20_POLY1305("ChaChaPoly", "ChaCha20-Poly1305", "ChaCha20", 32) {
        @Override
        java.security.spec.AlgorithmParameterSpec params(byte[] nonce) {
            return new IvParameterSpec(nonce);
        }
    };

    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;

    /**
     * One engine per thread and algorithm, re-keyed for every call: creating a JCA engine cost several times the
     * encryption of a chat message (docs/performance.md, cost breakdown).
     */
    private final ThreadLocal<Cipher> engines = new ThreadLocal<>();
    private final String noiseName;
    private final String transformation;
    private final String keyAlgorithm;
    private final int keyLength;

    AeadAlgorithm(String noiseName, String transformation, String keyAlgorithm, int keyLength) {
        this.noiseName = noiseName;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
        this.keyLength = keyLength;
    }

    abstract java.security.spec.AlgorithmParameterSpec params(byte[] nonce);

    /** The cipher's name in a Noise protocol name. */
    public String noiseName() {
        return noiseName;
    }

    public int keyLength() {
        return keyLength;
    }

    /**
     * Encrypts and authenticates under a nonce the caller vouches for; package-private so that only the two
     * primitives above reach it. The key may be any length the algorithm accepts (AES: 16, 24 or 32 bytes, so the
     * Wycheproof suites run through the same code); the protocol always uses 32.
     */
    byte[] seal(SecretBytes key, byte[] nonce, byte[] associatedData, byte[] plaintext) {
        checkNonce(nonce);
        try {
            Cipher c = init(Cipher.ENCRYPT_MODE, key, nonce);
            if (associatedData.length > 0) {
                c.updateAAD(associatedData);
            }
            return c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD provider failure", e);
        }
    }

    /** Verifies and decrypts; a forged, truncated or mis-keyed ciphertext is an {@link AuthenticationFailedException}. */
    byte[] open(SecretBytes key, byte[] nonce, byte[] associatedData, byte[] ciphertext)
            throws AuthenticationFailedException {
        checkNonce(nonce);
        if (ciphertext.length < TAG_LENGTH) {
            throw new AuthenticationFailedException("ciphertext shorter than the tag");
        }
        try {
            Cipher c = init(Cipher.DECRYPT_MODE, key, nonce);
            if (associatedData.length > 0) {
                c.updateAAD(associatedData);
            }
            return c.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new AuthenticationFailedException("AEAD tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD provider failure", e);
        }
    }

    private Cipher init(int mode, SecretBytes key, byte[] nonce) throws GeneralSecurityException {
        Cipher c = engines.get();
        if (c == null) {
            c = Cipher.getInstance(transformation);
            engines.set(c);
        }
        try {
            c.init(mode, new SecretKeySpec(key.unsafeView(), keyAlgorithm), params(nonce));
        } catch (java.security.InvalidAlgorithmParameterException | java.security.InvalidKeyException sameKeyAndNonce) {
            // The JDK refuses to encrypt twice in a row under one key and nonce on one engine (the protocol never
            // does; known-answer suites may). A fresh engine, used once, keeps such callers working.
            c = Cipher.getInstance(transformation);
            c.init(mode, new SecretKeySpec(key.unsafeView(), keyAlgorithm), params(nonce));
            engines.remove();
        }
        return c;
    }

    static void checkNonce(byte[] nonce) {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("AEAD nonce must be 12 bytes");
        }
    }
}
