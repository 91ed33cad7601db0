package im.sotto.protocol.wire;

/** Bytes from outside did not parse: truncated, oversized, trailing data, or a field out of its allowed range. */
public final class MalformedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedInputException(String message) {
        super(message);
    }
}
