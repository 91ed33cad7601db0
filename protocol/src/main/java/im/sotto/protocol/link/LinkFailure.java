package im.sotto.protocol.link;

/** Why a link attempt (docs/protocol.md 12) did not link a device. Every failure leaves no certificate and no key. */
public enum LinkFailure {
    /** Key confirmation failed: the two sides used different codes, or someone in the middle does not know it. */
    WRONG_CODE(1),
    /** The code's lifetime ({@link LinkCode#LIFETIME}) ran out before the link finished. */
    EXPIRED(2),
    /** The code or the approval was used already: link codes and approvals are single-use. */
    ALREADY_USED(3),
    /** A message that does not parse, or that is authenticated but inconsistent. */
    MALFORMED(4),
    /** A message of another link attempt (another session id), or of a step this side is not at. */
    WRONG_SESSION(5),
    /** What the user typed is not a link code (eight characters of Crockford base32 in two groups of four, e.g. 7KQ2-M9XD). */
    NOT_A_CODE(6);

    private final int wireCode;

    LinkFailure(int wireCode) {
        this.wireCode = wireCode;
    }

    /** The reason byte of an abort message. */
    public int wireCode() {
        return wireCode;
    }

    /** The failure an abort's reason byte names; an unknown byte is {@link #MALFORMED}. */
    public static LinkFailure fromWire(int code) {
        for (LinkFailure f : values()) {
            if (f.wireCode == code) {
                return f;
            }
        }
        return MALFORMED;
    }
}
