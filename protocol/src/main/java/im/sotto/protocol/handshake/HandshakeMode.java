package im.sotto.protocol.handshake;

import im.sotto.protocol.noise.HandshakePattern;

/** How two online devices authenticate each other; each has a bit in the offer. */
public enum HandshakeMode {
    /** Noise XX: the initiator's identity goes only to a responder it has authenticated. */
    XX(0, HandshakePattern.XX),
    /** The 4-message pattern in which the responder reveals itself only after authenticating the initiator. */
    RESPONDER_PROTECTED(1, HandshakePattern.XX_RESPONDER_PROTECTED),
    /** Noise IK: the initiator pinned the responder's device key before; two messages. */
    KNOWN_PEER(2, HandshakePattern.IK);

    private final int bit;
    private final HandshakePattern pattern;

    HandshakeMode(int bit, HandshakePattern pattern) {
        this.bit = bit;
        this.pattern = pattern;
    }

    int bit() {
        return bit;
    }

    public HandshakePattern pattern() {
        return pattern;
    }

    static HandshakeMode fromBit(int bit) {
        for (HandshakeMode m : values()) {
            if (m.bit == bit) {
                return m;
            }
        }
        return null;
    }
}
