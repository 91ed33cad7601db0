package im.sotto.protocol.ratchet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A reproducible byte stream for tests and known-answer vectors: the concatenation of SHA-256(seed || uint64 counter)
 * for counter 0, 1, 2, ..., consumed in order by every call. Never use outside tests.
 */
final class DeterministicRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    private final byte[] seed;
    private long counter;
    private byte[] block = new byte[0];
    private int used;

    DeterministicRandom(String seed) {
        this.seed = seed.getBytes(StandardCharsets.UTF_8);
    }

    DeterministicRandom(long seed) {
        this(Long.toString(seed));
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
        for (int i = 0; i < out.length; i++) {
            if (used == block.length) {
                block = sha256(ByteBuffer.allocate(seed.length + 8).put(seed).putLong(counter++).array());
                used = 0;
            }
            out[i] = block[used++];
        }
    }

    @Override
    public void setSeed(long ignored) {
        // SecureRandom's constructor calls this; the stream depends on the constructor's seed only.
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
