package im.sotto.protocol.trust;

/**
 * How much is known about the binding between a contact's bare JID and the account key pinned for it. The constants
 * are declared in increasing order, so {@link #compareTo} and {@link #isAtLeast} rank them.
 *
 * <ul>
 *   <li>{@link #DISTRUSTED}: the user said this key must not be used (or a short authentication string did not
 *       match). Nothing is sent to it and nothing from it is shown as authentic. Only the user lifts it.</li>
 *   <li>{@link #UNVERIFIED}: pinned on first use (or accepted by the user after a key change) and trusted blindly
 *       until verified: encryption works, and a later change of key is detected, but the first contact could have
 *       been intercepted. New devices certified by the pinned key are accepted without asking.</li>
 *   <li>{@link #VERIFIED}: the users compared the short authentication string of a session with this key and it
 *       matched. New devices need the user's approval.</li>
 *   <li>{@link #CERTIFIED}: in addition to (or instead of) a comparison, an X.509 certificate or an OpenPGP key that
 *       the user configured as a trust anchor binds this account key to this JID. Ranked highest because it adds a
 *       statement by a party the user chose to rely on; it lasts only as long as that statement is valid. New
 *       devices need the user's approval.</li>
 * </ul>
 */
public enum TrustLevel {
    DISTRUSTED,
    UNVERIFIED,
    VERIFIED,
    CERTIFIED;

    public boolean isAtLeast(TrustLevel other) {
        return compareTo(other) >= 0;
    }

    /** Whether a device not yet approved needs the user's approval before anything is sent to it. */
    public boolean requiresDeviceApproval() {
        return isAtLeast(VERIFIED);
    }
}
