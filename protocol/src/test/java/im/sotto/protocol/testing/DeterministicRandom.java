package im.sotto.protocol.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * A reproducible byte stream for known-answer vectors and seeded property tests: block i is
 * SHA-256(seed || u64 i), concatenated. Documented in docs/vectors/README.md so another implementation can
 * regenerate Sotto's vectors. Never for production use.
 */
public final class DeterministicRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;
    private long counter;
    private final ByteBuffer buffer = ByteBuffer.allocate(32);

    public DeterministicRandom(String seed) {
        super(new byte[0]);
        this.seed = seed.getBytes(StandardCharsets.UTF_8);
        buffer.limit(0);
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (!buffer.hasRemaining()) {
                refill();
            }
            bytes[i] = buffer.get();
        }
    }

    @Override
    public void setSeed(long ignored) {
        // The constructor of SecureRandom calls this; the stream depends only on the seed string.
    }

    @Override
    public byte[] generateSeed(int n) {
        byte[] b = new byte[n];
        nextBytes(b);
        return b;
    }

    private void refill() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(seed);
            md.update(ByteBuffer.allocate(8).putLong(counter++).array());
            buffer.clear();
            buffer.put(md.digest());
            buffer.flip();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
