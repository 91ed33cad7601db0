package im.sotto.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a store's storage key is protected: wrapped under a key derived from the user's passphrase (Argon2id), or,
 * when the user chooses no passphrase, under a random key kept in a key file readable by its owner only.
 */
public final class Protection {
    enum Method {
        PASSPHRASE("passphrase-argon2id"),
        KEY_FILE("key-file");

        final String stored;

        Method(String stored) {
            this.stored = stored;
        }

        static Method fromStored(String value) throws StoreOpenException {
            for (Method m : values()) {
                if (m.stored.equals(value)) {
                    return m;
                }
            }
            throw new StoreOpenException(StoreOpenException.Kind.CORRUPT, "unknown key protection method");
        }
    }

    private final Method method;
    private final char[] passphrase;
    private final Path keyFile;
    private final Argon2idParameters argon2;

    private Protection(Method method, char[] passphrase, Path keyFile, Argon2idParameters argon2) {
        this.method = method;
        this.passphrase = passphrase;
        this.keyFile = keyFile;
        this.argon2 = argon2;
    }

    /** Protection by a passphrase with {@link Argon2idParameters#RECOMMENDED}. The array is copied. */
    public static Protection passphrase(char[] passphrase) {
        return passphrase(passphrase, Argon2idParameters.RECOMMENDED);
    }

    /** Protection by a passphrase with explicit parameters (used when creating; opening reads them from the file). */
    public static Protection passphrase(char[] passphrase, Argon2idParameters parameters) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("empty passphrase: choose a key file instead");
        }
        return new Protection(Method.PASSPHRASE, passphrase.clone(), null, Objects.requireNonNull(parameters));
    }

    /** Protection by a key file at {@code keyFile} (created with the store, owner-only). */
    public static Protection keyFile(Path keyFile) {
        return new Protection(Method.KEY_FILE, null, Objects.requireNonNull(keyFile, "keyFile"), null);
    }

    Method method() {
        return method;
    }

    Path keyFilePath() {
        return keyFile;
    }

    Argon2idParameters argon2() {
        return argon2;
    }

    /** The passphrase as UTF-8; the caller wipes the copy. */
    byte[] passphraseUtf8() {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return out;
    }

    /** Best-effort erasure of the passphrase copy. */
    public void wipe() {
        if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
        }
    }

    @Override
    public String toString() {
        return method == Method.PASSPHRASE ? "Protection[passphrase redacted, " + argon2 + "]"
                : "Protection[key file " + keyFile + "]";
    }
}
