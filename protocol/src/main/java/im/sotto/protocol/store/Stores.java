package im.sotto.protocol.store;

/**
 * The stores as one transaction sees them. Valid only inside {@link AccountStore#transact}; a view used after its
 * transaction ended throws {@link IllegalStateException}.
 */
public interface Stores {
    IdentityStore identities();

    SessionStore sessions();

    PreKeyStore preKeys();

    ReplayCache replayCache();

    RetainedSecretStore retainedSecrets();

    OutboundQueue outboundQueue();

    MessageLog messageLog();

    RestoreCounter restoreCounter();

    ArchiveCursor archiveCursor();

    /** What the client knows of each contact (roster, presence) for commands that do not log in. */
    ContactStore contacts();

    /** The conversations as shown to the user, for a chat to show again. */
    ConversationLog conversations();

    /** Revoked and stale devices of each account (docs/protocol.md 7.7). */
    PeerDeviceStore peerDevices();

    /** The OMEMO 0.3 stores (docs/protocol.md §10), kept apart from Sotto's own. */
    im.sotto.protocol.omemo.OmemoStores omemo();

    /**
     * The OMEMO 2 stores ({@code urn:xmpp:omemo:2}), apart from OMEMO 0.3's: clients often use one device id for
     * both versions, and the records differ.
     */
    im.sotto.protocol.omemo.OmemoStores omemo2();
}
