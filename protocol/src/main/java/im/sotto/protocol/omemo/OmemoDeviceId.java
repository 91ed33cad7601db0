package im.sotto.protocol.omemo;

import java.security.SecureRandom;

/**
 * OMEMO device ids: positive 31-bit integers (XEP-0384 0.3 asks for random ids in 1..2^31 - 1), also used as the
 * Signal registration id, as current OMEMO clients do.
 */
public final class OmemoDeviceId {
    public static final int MIN = 1;
    public static final int MAX = Integer.MAX_VALUE;

    private OmemoDeviceId() {}

    public static int generate(SecureRandom random) {
        // nextInt(MAX) is uniform in 0..MAX-1.
        return MIN + random.nextInt(MAX);
    }

    /** Whether a device id read from outside (a device list, a key element) is in range. */
    public static boolean isValid(long id) {
        return id >= MIN && id <= MAX;
    }
}
