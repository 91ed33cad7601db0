package im.sotto.protocol.handshake;

/** Sotto protocol versions. An offer can name versions 1 to 8; a device never accepts less than the minimum. */
public final class ProtocolVersion {
    public static final int CURRENT = 1;
    /** Raised when a version is found broken, so a downgrade to it is refused even if both sides still speak it. */
    public static final int MINIMUM_ACCEPTED = 1;
    /** One byte of bits in the offer. */
    public static final int HIGHEST_EXPRESSIBLE = 8;

    private ProtocolVersion() {}
}
