package im.sotto.protocol.session;

/**
 * How a session with a peer device began, as a {@link SessionRecord} stores it (its ordinal is the stored byte, so
 * the order of the constants is part of the record format). The binding shows it to applications as its own enum.
 */
public enum SessionOrigin {
    /** The online Noise handshake, over three stanzas; it yields a SAS. */
    ONLINE_HANDSHAKE,
    /** An offline first message built on the peer's published prekey bundle (sent or received); no SAS. */
    OFFLINE_FIRST_MESSAGE
}
