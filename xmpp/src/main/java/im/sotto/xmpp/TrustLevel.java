package im.sotto.xmpp;

/** How far this device trusts the account that sent a stanza. */
public enum TrustLevel {
    /**
     * The sender's session came from an offline first message we sent and the peer has not yet proved its
     * identity in a first reply: whoever holds the published bundle's keys could be at the other end.
     */
    UNAUTHENTICATED,
    /** The account key seen first for this contact, pinned without comparison (trust on first use). */
    TRUSTED_ON_FIRST_USE,
    /** The pinned account key, confirmed by the user (SAS or fingerprint compared): {@link SottoManager#markVerified}. */
    VERIFIED
}
