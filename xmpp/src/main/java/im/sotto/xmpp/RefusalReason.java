package im.sotto.xmpp;

/** Why Sotto refused to make or heal a session with a JID. */
public enum RefusalReason {
    /**
     * An online handshake opened by a JID that is no contact (no trust record, not subscribed to in the roster):
     * answered in the responder-protected mode, and this device's certificate, account key and certification
     * were not revealed ({@link im.sotto.protocol.session.RevealPolicy#CONTACTS}).
     */
    STRANGER_NOT_REVEALED,
    /**
     * A stanza from a JID that is no contact (no trust record, no roster item but {@code from}) could not be
     * decrypted: no healing handshake is started.
     */
    NO_HEAL_FOR_STRANGER,
    /** A {@code groupchat} stanza: Sotto does not carry many-to-many traffic (docs/threat-model.md). */
    GROUPCHAT,
    /** A multi-user chat occupant JID (a room's nickname), which names no account a session could bind to. */
    MUC_OCCUPANT,
    /** An archive (MAM) result that did not come from this account's own archive. */
    FOREIGN_ARCHIVE
}
