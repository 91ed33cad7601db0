package im.sotto.protocol.omemo;

/** An OMEMO operation refused for a {@link OmemoFailure reason}; nothing was stored. */
public final class OmemoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final OmemoFailure reason;

    public OmemoException(OmemoFailure reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public OmemoFailure reason() {
        return reason;
    }
}
