package im.sotto.protocol.wire;

import java.util.Objects;

/** Bytes from outside did not parse: truncated, oversized, trailing data, or a field out of its allowed range. */
public final class MalformedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong, for callers that map a parse failure to their own typed error. */
    public enum Kind {
        /** The input ended before a field it announces. */
        TRUNCATED,
        /** Bytes follow the last field. */
        TRAILING_BYTES,
        /** A length or count above the limit its format sets. */
        TOO_LONG,
        /** A number outside its range, or a flag other than 0 or 1. */
        OUT_OF_RANGE,
        /** A format-specific rule failed (unknown version, inconsistent fields). */
        INVALID
    }

    private final Kind kind;

    public MalformedInputException(String message) {
        this(Kind.INVALID, message);
    }

    public MalformedInputException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
