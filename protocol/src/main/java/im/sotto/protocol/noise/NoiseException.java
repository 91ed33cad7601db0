package im.sotto.protocol.noise;

/** A handshake or transport message was rejected. The handshake state is failed afterwards. */
public final class NoiseException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, so callers can tell tampering from misuse of the state machine. */
    public enum Kind {
        /** An AEAD tag did not verify: the message was altered, forged, or the transcripts differ. */
        AUTHENTICATION_FAILED,
        /** A Diffie-Hellman input was invalid (wrong length or low-order point). */
        INVALID_KEY,
        /** The message was too short, too long, or had the wrong shape. */
        MALFORMED,
        /** The state machine was used out of order (writing when it should read, after failure, ...). */
        WRONG_STATE
    }

    private final Kind kind;

    public NoiseException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
