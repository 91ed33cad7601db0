package im.sotto.xmpp;

/**
 * Why a stanza the user asked to send encrypted was not sent. It was never sent in plaintext. For the reasons that
 * wait for a user decision ({@link #held()}) the stanza stays queued and goes out, encrypted, once the decision
 * is made ({@link SottoManager#acceptNewKey}, {@link SottoManager#approveDevice}, {@link SottoManager#markVerified}).
 */
public enum SendFailure {
    /** The peer publishes no Sotto device and no online resource of it advertises Sotto. */
    PEER_HAS_NO_SOTTO,
    /** The online handshake got no answer (or a broken one) after every retry. */
    NEGOTIATION_FAILED,
    /** Held: the peer's account key changed; sending waits until the user accepts the new key. */
    KEY_CHANGED,
    /**
     * A bundle published for the peer is not signed by the account key pinned for it: substituted by the server
     * (or the peer changed its key, which a message from it will then show). Nothing was encrypted to it.
     */
    KEY_SUBSTITUTED,
    /** Held: the user distrusted the contact (or a SAS did not match); nothing goes out until it is verified. */
    DISTRUSTED,
    /** Held: the stanza is for a device of a verified contact that awaits the user's approval. */
    DEVICE_NOT_APPROVED,
    /** The stanza cannot be carried: broadcast presence, no recipient, too large. */
    UNSUPPORTED_STANZA,
    /** The contact's password did not match (or one side has none): one online guess spent, no session. */
    PASSWORD_MISMATCH,
    /** The connection or the server failed while sending. */
    CONNECTION,
    /** A {@code groupchat} message: Sotto carries no many-to-many traffic. Dropped, never sent. */
    GROUPCHAT,
    /** Addressed to a multi-user chat room or occupant, which names no account. Dropped, never sent. */
    MUC_OCCUPANT;

    /**
     * True for a failure that may pass without the user (the peer installs Sotto, answers, the connection comes
     * back): a manager told to keep failed stanzas keeps these queued. Not kept: what can never be carried, and
     * a password mismatch (trying again would spend one more online guess each time).
     */
    public boolean mayPass() {
        return this != UNSUPPORTED_STANZA && this != PASSWORD_MISMATCH && !held();
    }

    /** True when the stanza stays queued for a user decision instead of being dropped. */
    public boolean held() {
        return this == KEY_CHANGED || this == DISTRUSTED || this == DEVICE_NOT_APPROVED;
    }

    /** The held failure the session layer's reason to hold stanzas is reported as. */
    static SendFailure of(im.sotto.protocol.session.TrustRecords.HoldReason reason) {
        return switch (reason) {
            case DISTRUSTED -> DISTRUSTED;
            case KEY_CHANGED -> KEY_CHANGED;
            case DEVICE_NOT_APPROVED -> DEVICE_NOT_APPROVED;
        };
    }
}
