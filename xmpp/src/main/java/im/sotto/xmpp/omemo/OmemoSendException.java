package im.sotto.xmpp.omemo;

/** An OMEMO message that was not sent, and why. It was never sent in plaintext. */
public final class OmemoSendException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The contact publishes no OMEMO device we may encrypt to (none, all awaiting approval or distrusted). */
        NO_USABLE_DEVICE,
        /** The contact's device list or every bundle could not be fetched (PEP error, malformed item). */
        PEP_FAILED,
        /** The message has no body or is addressed to no one: OMEMO 0.3 carries message bodies only. */
        NOT_A_CHAT_MESSAGE
    }

    private final Kind kind;

    public OmemoSendException(Kind kind, String detail) {
        super(kind + ": " + detail);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
