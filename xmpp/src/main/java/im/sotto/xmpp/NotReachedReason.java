package im.sotto.xmpp;

/** Why a device an account lists, which this device has no session with, got no first message (7.9). */
public enum NotReachedReason {
    /** A verified contact's new device: it must write first (proving its certificate) and be approved. */
    NOT_APPROVED,
    /** Its bundle is not signed by the account key pinned for the account: the server substituted it. */
    BUNDLE_NOT_SIGNED,
    /** No bundle is published for it, or it does not parse. */
    NO_USABLE_BUNDLE
}
