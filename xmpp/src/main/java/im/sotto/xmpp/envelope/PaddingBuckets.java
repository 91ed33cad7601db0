package im.sotto.xmpp.envelope;

/**
 * Envelope sizes after {@code <rpad/>}: powers of two from 256 bytes to 128 KiB.
 *
 * <p>Why these: most chat stanzas are under 256 bytes, so they all look alike; doubling buckets cost at most 2×
 * the size while revealing only the order of magnitude of a larger stanza; 128 KiB keeps the encrypted stanza,
 * after base64, under the 256 KiB c2s stanza limit of common servers (see {@code SottoEncrypted.MAX_PAYLOAD_BYTES}).
 */
public final class PaddingBuckets {
    public static final int SMALLEST = 256;
    public static final int LARGEST = 128 * 1024;

    private PaddingBuckets() {
    }

    /** The smallest bucket that holds {@code size} bytes; -1 if none does. */
    public static int bucketFor(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        for (int bucket = SMALLEST; bucket <= LARGEST; bucket *= 2) {
            if (size <= bucket) {
                return bucket;
            }
        }
        return -1;
    }
}
