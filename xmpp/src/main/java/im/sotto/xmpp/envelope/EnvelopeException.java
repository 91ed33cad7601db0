package im.sotto.xmpp.envelope;

/** An envelope could not be built or opened. The kind says what the caller can report or do about it. */
public final class EnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** Not well-formed UTF-8 XML, a DOCTYPE, a bad JID or timestamp, text where none belongs, a wrong root. */
        MALFORMED,
        /** Larger than the largest padding bucket: refused before parsing (or before sending). */
        TOO_LARGE,
        /** An element where the envelope allows none: unknown envelope child, child of an affix, nested Sotto. */
        UNEXPECTED_ELEMENT,
        /** An element that may occur once occurred twice. */
        DUPLICATE_ELEMENT,
        /** The envelope has no {@code <content/>}. */
        MISSING_CONTENT,
        /** The required affix, {@code <time/>}, is missing. */
        MISSING_AFFIX,
        /**
         * The {@code <to/>} affix (only in envelopes sealed before it was dropped; the associated data binds the
         * recipient now) names another recipient than the outer stanza: a redirected stanza.
         */
        TO_MISMATCH,
        /**
         * The {@code <from/>} affix (only in envelopes sealed before it was dropped; the associated data binds the
         * sender's full JID now) names another sender than the outer stanza: a forged or reflected stanza.
         */
        FROM_MISMATCH,
        /** A stanza that Sotto does not carry: broadcast presence, an IQ without exactly one query, no recipient. */
        UNSUPPORTED_STANZA,
        /** The content is well-formed but Smack's providers could not make a stanza of it. */
        CONTENT_UNPARSEABLE
    }

    private final Kind kind;

    public EnvelopeException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public EnvelopeException(Kind kind, String message, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
