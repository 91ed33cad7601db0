package im.sotto.store;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.RandomNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.wire.ByteWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The storage key wrapped (AES-256-GCM) under a key-wrapping key from the passphrase (Argon2id) or from the key
 * file, as the single row of table {@code key_wrap}. The method, salt and Argon2id parameters are associated data,
 * so changing any of them makes unwrapping fail instead of silently weakening it.
 *
 * @param wrappedKey nonce (12) ‖ ciphertext of the 32-byte storage key ‖ tag (16)
 */
record KeyWrap(Protection.Method method, byte[] salt, Argon2idParameters parameters, byte[] wrappedKey) {
    static final int STORAGE_KEY_LENGTH = 32;
    static final int WRAPPED_LENGTH = AeadAlgorithm.NONCE_LENGTH + STORAGE_KEY_LENGTH + AeadAlgorithm.TAG_LENGTH;
    private static final byte[] LABEL = "Sotto store v1 key wrap".getBytes(StandardCharsets.US_ASCII);

    /** Wraps {@code storageKey}; for a key file, creates the file first (it must not exist). */
    static KeyWrap wrap(Protection protection, byte[] storageKey, SecureRandom random) throws IOException {
        byte[] salt = null;
        byte[] kek;
        if (protection.method() == Protection.Method.PASSPHRASE) {
            salt = new byte[Argon2idParameters.SALT_LENGTH];
            random.nextBytes(salt);
            kek = derive(protection, protection.argon2(), salt);
        } else {
            kek = KeyFile.create(protection.keyFilePath(), random);
        }
        Argon2idParameters parameters = protection.method() == Protection.Method.PASSPHRASE ? protection.argon2() : null;
        SecretBytes key = SecretBytes.copyOf(kek);
        Arrays.fill(kek, (byte) 0);
        try {
            SealedBox sealed = new RandomNonceAead(AeadAlgorithm.AES_256_GCM, key, random)
                    .seal(associatedData(protection.method(), salt, parameters), storageKey);
            return new KeyWrap(protection.method(), salt, parameters, sealed.concatenated());
        } finally {
            key.wipe();
        }
    }

    /** Unwraps the storage key with the caller's protection; the caller wipes the result. */
    byte[] unwrap(Protection protection) throws StoreOpenException {
        if (protection.method() != method) {
            throw new StoreOpenException(StoreOpenException.Kind.PROTECTION_MISMATCH, method == Protection.Method.PASSPHRASE
                    ? "this store is protected by a passphrase, not a key file"
                    : "this store is protected by a key file, not a passphrase");
        }
        byte[] kek = method == Protection.Method.PASSPHRASE ? derive(protection, parameters, salt)
                : KeyFile.read(protection.keyFilePath());
        SecretBytes key = SecretBytes.copyOf(kek);
        Arrays.fill(kek, (byte) 0);
        try {
            return RandomNonceAead.open(AeadAlgorithm.AES_256_GCM, key, SealedBox.fromConcatenated(wrappedKey),
                    associatedData(method, salt, parameters));
        } catch (AuthenticationFailedException e) {
            throw method == Protection.Method.PASSPHRASE
                    ? new StoreOpenException(StoreOpenException.Kind.WRONG_PASSPHRASE, "wrong passphrase")
                    : new StoreOpenException(StoreOpenException.Kind.WRONG_KEY_FILE,
                            "key file " + protection.keyFilePath() + " does not unlock this store");
        } finally {
            key.wipe();
        }
    }

    /** Checks a row read from the file: every field present exactly when its method needs it, with sane sizes. */
    static KeyWrap parse(String method, byte[] salt, Long memoryKib, Long iterations, Long parallelism,
            byte[] wrappedKey) throws StoreOpenException {
        Protection.Method m = Protection.Method.fromStored(method);
        if (wrappedKey == null || wrappedKey.length != WRAPPED_LENGTH) {
            throw corrupt("wrapped storage key has the wrong length");
        }
        if (m == Protection.Method.KEY_FILE) {
            if (salt != null || memoryKib != null || iterations != null || parallelism != null) {
                throw corrupt("key-file protection with passphrase parameters");
            }
            return new KeyWrap(m, null, null, wrappedKey);
        }
        if (salt == null || salt.length != Argon2idParameters.SALT_LENGTH || memoryKib == null || iterations == null
                || parallelism == null) {
            throw corrupt("passphrase protection without a complete salt and Argon2id parameters");
        }
        try {
            return new KeyWrap(m, salt, new Argon2idParameters(Math.toIntExact(memoryKib), Math.toIntExact(iterations),
                    Math.toIntExact(parallelism)), wrappedKey);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw corrupt("Argon2id parameters out of range: " + e.getMessage());
        }
    }

    private static StoreOpenException corrupt(String message) {
        return new StoreOpenException(StoreOpenException.Kind.CORRUPT, "key data damaged: " + message);
    }

    private static byte[] derive(Protection protection, Argon2idParameters parameters, byte[] salt) {
        byte[] passphrase = protection.passphraseUtf8();
        try {
            return parameters.derive(passphrase, salt);
        } finally {
            Arrays.fill(passphrase, (byte) 0);
        }
    }

    private static byte[] associatedData(Protection.Method method, byte[] salt, Argon2idParameters parameters) {
        ByteWriter w = new ByteWriter().bytes(LABEL).vector16(method.stored.getBytes(StandardCharsets.US_ASCII));
        if (parameters != null) {
            w.bytes(parameters.bind(salt));
        }
        return w.toByteArray();
    }

    @Override
    public String toString() {
        return "KeyWrap[" + method + ", " + parameters + ", wrapped key redacted]";
    }
}
