package im.sotto.protocol.handshake;

/** Sotto protocol versions. An offer can name versions 1 to 8; a device never accepts less than the minimum. */
public final class ProtocolVersion {
    public static final int CURRENT = 1;
    /** Raised when a version is found broken, so a downgrade to it is refused even if both sides still speak it. */
    public static final int MINIMUM_ACCEPTED = 1;
    /** One byte of bits in the offer. */
    public static final int HIGHEST_EXPRESSIBLE = 8;

    private ProtocolVersion() {}

    /** Versions as one byte of bits, as offers and bundles carry them: version v is bit v-1. */
    public static int bitmask(java.util.Collection<Integer> versions) {
        int bits = 0;
        for (int v : versions) {
            if (v < 1 || v > HIGHEST_EXPRESSIBLE) {
                throw new IllegalArgumentException("version out of range: " + v);
            }
            bits |= 1 << (v - 1);
        }
        return bits;
    }

    /** The versions named in a byte of bits, in increasing order. */
    public static java.util.SortedSet<Integer> fromBitmask(int bits) {
        java.util.SortedSet<Integer> out = new java.util.TreeSet<>();
        for (int v = 1; v <= HIGHEST_EXPRESSIBLE; v++) {
            if ((bits & (1 << (v - 1))) != 0) {
                out.add(v);
            }
        }
        return out;
    }
}
