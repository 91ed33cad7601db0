package im.sotto.protocol.trust;

/** What the retained-secret check of a handshake found. */
public enum Continuity {
    /** Both sides proved the same retained secret; it was mixed into the session keys. */
    CONFIRMED,
    /**
     * The peer proved (or confirmed, in a late confirmation) a retained secret this side holds, but the mode gave no
     * way to mix it in both sides: the XX and responder-protected modes, whose identities come too late in the
     * pattern (docs/protocol.md 4.11). As much proof of continuity as {@link #CONFIRMED}; the session keys just do
     * not depend on the secret.
     */
    CONFIRMED_NOT_MIXED,
    /** No history with this device, nor with its account: a first contact. */
    NEW_PEER,
    /**
     * No history with this device, but its account is known: a new or reinstalled device certified by the same
     * account key. Not an attack in itself; trust follows the account.
     */
    NEW_DEVICE,
    /**
     * This side holds retained secrets for this very device, and the peer proved none of them: someone who has the
     * device's long-term keys but not its history (a stolen key), or the peer restored an old backup. Shown to the
     * user; trust drops until the SAS is compared.
     */
    BROKEN,
    /**
     * Never reported since every mode brings a proof to the side that holds retained secrets (docs/protocol.md
     * 4.11); kept so that session records written before (a continuity stored by ordinal) still read. A binding
     * treats it as an alarm.
     */
    UNCHECKED
}
