package im.sotto.xmpp;

/** How a session with a peer device began. */
public enum SessionOrigin {
    /** The online Noise handshake, over three stanzas; it yields a SAS. */
    ONLINE_HANDSHAKE,
    /** An offline first message built on the peer's published prekey bundle (sent or received); no SAS. */
    OFFLINE_FIRST_MESSAGE,
    /**
     * OMEMO 0.3 (docs/protocol.md §10), with a contact that has no Sotto device: a Signal-protocol session from its
     * or our OMEMO bundle. No SAS, no account key, no identity protection; only message bodies are encrypted.
     */
    OMEMO,
    /**
     * OMEMO 2 ({@code urn:xmpp:omemo:2}, docs/protocol.md 10.15), preferred over OMEMO 0.3 where a contact's device
     * offers it: the same guarantees and the same gaps as {@link #OMEMO}; the message sits in an SCE envelope whose
     * sender and recipient are authenticated.
     */
    OMEMO_2;

    /** The origin a core session record stores, as applications see it (the same constants, in the same order). */
    static SessionOrigin of(im.sotto.protocol.session.SessionOrigin core) {
        return valueOf(core.name());
    }
}
