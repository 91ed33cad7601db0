package im.sotto.protocol.omemo;

/** What the user decided about one peer OMEMO device's identity key (docs/protocol.md §10, trust mapping). */
public enum OmemoTrustLevel {
    /** Seen, not verified: trusted blindly, as OMEMO clients do before the user compares fingerprints. */
    BLIND,
    /** The user compared the fingerprint and it matched. */
    VERIFIED,
    /** A new device of a contact with a verified device: nothing is sent to it until the user approves it. */
    AWAITING_APPROVAL,
    /** The user refused this key: nothing is sent to it and what it sends is refused. */
    DISTRUSTED;

    /** Whether messages may be encrypted to a device at this level. */
    public boolean maySendTo() {
        return this == BLIND || this == VERIFIED;
    }

    /** Whether messages from a device at this level are decrypted (and delivered with the level shown). */
    public boolean mayReceiveFrom() {
        return this != DISTRUSTED;
    }
}
