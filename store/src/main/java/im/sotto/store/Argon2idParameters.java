package im.sotto.store;

import im.sotto.protocol.wire.ByteWriter;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) cost parameters for deriving the key that wraps a store's storage key from a passphrase.
 * They are stored in the file, so a store created with other values opens with the values it was created with.
 *
 * @param memoryKib memory in KiB
 * @param iterations passes over the memory (t)
 * @param parallelism lanes (p)
 */
public record Argon2idParameters(int memoryKib, int iterations, int parallelism) {
    /**
     * RFC 9106, section 4, second recommended option ("if much less memory is available"): 64 MiB, t = 3, p = 4.
     * The first option (2 GiB) is too much for a chat client that may run on a small laptop or phone; 64 MiB makes
     * each guess of an offline attacker cost 64 MiB of memory traffic three times over, while the store opens in
     * well under a second here (measured in docs/performance.md, "Store"). BouncyCastle computes the four lanes on
     * one thread, so p = 4 costs no more than p = 1 here and lets a native implementation use four cores.
     */
    public static final Argon2idParameters RECOMMENDED = new Argon2idParameters(64 * 1024, 3, 4);

    /** OWASP's minimum for Argon2id (19 MiB, t = 2): below it a file is refused as tampered or misconfigured. */
    public static final int MIN_MEMORY_KIB = 19 * 1024;
    public static final int MIN_ITERATIONS = 2;
    /** Upper bounds so a damaged or hostile file cannot make opening allocate or loop without limit. */
    public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    public static final int MAX_ITERATIONS = 64;
    public static final int MAX_PARALLELISM = 16;
    public static final int SALT_LENGTH = 16;
    static final int OUTPUT_LENGTH = 32;

    public Argon2idParameters {
        if (memoryKib < MIN_MEMORY_KIB || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2id memory must be " + MIN_MEMORY_KIB + ".." + MAX_MEMORY_KIB
                    + " KiB");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2id iterations must be " + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2id parallelism must be 1.." + MAX_PARALLELISM);
        }
        if (memoryKib < 8 * parallelism) {
            throw new IllegalArgumentException("Argon2id memory must be at least 8 KiB per lane");
        }
    }

    /** The 32-byte key-wrapping key for {@code passphraseUtf8} and {@code salt}. */
    byte[] derive(byte[] passphraseUtf8, byte[] salt) {
        if (salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("Argon2id salt must be " + SALT_LENGTH + " bytes");
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[OUTPUT_LENGTH];
        generator.generateBytes(passphraseUtf8, out);
        return out;
    }

    /** The parameters and salt as associated data of the wrapped key, so none of them can be changed unnoticed. */
    byte[] bind(byte[] salt) {
        return new ByteWriter(12 + salt.length).u32(memoryKib).u32(iterations).u32(parallelism).bytes(salt)
                .toByteArray();
    }


    static void wipe(byte[] key) {
        Arrays.fill(key, (byte) 0);
    }
}
