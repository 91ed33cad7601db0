package im.sotto.bench.sidebyside;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** What every side of the side-by-side benchmarks shares. */
public final class Anchors {
    /** A 200-byte chat payload. */
    static final byte[] PAYLOAD = filled(200);
    /** Sotto's associated data in the binding: both addresses (Signal's libraries bind the identity keys inside). */
    static final byte[] ASSOCIATED_DATA = "alice@example.org/1 bob@example.org/2".getBytes(StandardCharsets.UTF_8);
    /**
     * The one-way figure puts both session records back to their saved state every this many messages (one store
     * write per side, for every library alike). Below Sotto's heartbeat interval (50), so the figure measures the
     * symmetric path only, on records of steady size.
     */
    static final int REWIND_EVERY = 40;

    private Anchors() {
    }

    private static byte[] filled(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 'x');
        return b;
    }
}
