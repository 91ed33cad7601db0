package im.sotto.xmpp.pep;

import org.jivesoftware.smack.packet.StanzaError;

/** Publishing or fetching a bundle or device list failed; the kind is the diagnosis to show the user. */
public final class PepException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The account's server offers no PEP service (no pubsub/pep identity, or the service is unavailable). */
        PEP_UNAVAILABLE,
        /** The server has PEP but not publish-options, so it cannot guarantee an open access model. */
        PUBLISH_OPTIONS_UNSUPPORTED,
        /** The node exists with another access model and the server refused to reconfigure it to open. */
        ACCESS_MODEL_REFUSED,
        /** The server refused the publish or fetch for another reason (the condition is in the message). */
        REFUSED,
        /** The peer's node or item does not exist: that device (or account) has not published. */
        NOT_FOUND,
        /**
         * The peer's node is not readable to us: not published with an open access model — or, on Prosody, not
         * there at all: Prosody answers {@code forbidden} for a missing node to askers without a presence
         * subscription, so as not to reveal which nodes exist.
         */
        ACCESS_DENIED,
        /** The item exists but is not a valid Sotto payload. */
        MALFORMED_ITEM,
        /** What was read back after publishing differs from what was published. */
        READ_BACK_MISMATCH,
        /** The server did not answer in time, or the connection is down. */
        NO_RESPONSE
    }

    private final Kind kind;
    private final StanzaError.Condition condition;

    public PepException(Kind kind, String message) {
        this(kind, null, message, null);
    }

    public PepException(Kind kind, StanzaError.Condition condition, String message, Throwable cause) {
        super(kind + (condition == null ? "" : " (" + condition + ")") + ": " + message, cause);
        this.kind = kind;
        this.condition = condition;
    }

    public Kind kind() {
        return kind;
    }

    /** The server's error condition, or null when the failure was not an error response. */
    public StanzaError.Condition condition() {
        return condition;
    }
}
