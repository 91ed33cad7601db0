package im.sotto.protocol.trust;

/** How a contact's trust got to its current level. Wire codes are stable: they are stored in trust records. */
public enum TrustSource {
    /** Pinned on first use. */
    TOFU(1),
    /** The users compared the short authentication string. */
    SAS(2),
    /** An X.509 certificate validated against the user's trust anchors. */
    X509(3),
    /** An OpenPGP binding validated against the user's keyring. */
    OPENPGP(4),
    /** An explicit user decision: accepting a changed key, or distrusting. */
    USER(5);

    private final int code;

    TrustSource(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static TrustSource ofCode(int code) {
        for (TrustSource s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
