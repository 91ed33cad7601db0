package im.sotto.protocol.offline;

import im.sotto.protocol.ratchet.RatchetSession;

/**
 * A first message ready to send, and the sender's side of the new session. Until the recipient's first reply
 * proves its identity ({@link FirstReply#open}), a session to an unknown recipient is unauthenticated: anyone who
 * could substitute the bundle could be reading it.
 */
public final class OutgoingFirstMessage {
    private final byte[] message;
    private final RatchetSession session;
    private final boolean authenticated;
    private final PendingConfirmation pending;

    OutgoingFirstMessage(byte[] message, RatchetSession session, boolean authenticated, PendingConfirmation pending) {
        this.message = message;
        this.session = session;
        this.authenticated = authenticated;
        this.pending = pending;
    }

    /** The bytes to send: the first-message header and the first ratchet message carrying the application data. */
    public byte[] message() {
        return message.clone();
    }

    /** The sender's ratchet, which sends the next messages too. */
    public RatchetSession session() {
        return session;
    }

    /** True only when the recipient's certificate was pinned before: the bundle's signature was checked. */
    public boolean authenticated() {
        return authenticated;
    }

    /** What to keep for checking the recipient's proof in its first reply. */
    public PendingConfirmation pendingConfirmation() {
        return pending;
    }
}
