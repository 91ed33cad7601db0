package im.sotto.xmpp;

import java.util.Objects;

/**
 * One OMEMO device a message was not encrypted to because it awaits the user's approval: its id and the fingerprint
 * to compare with the contact's client before approving it ({@code sotto trust JID --omemo-device ID}).
 */
public record UnapprovedOmemoDevice(long deviceId, String fingerprint) {
    public UnapprovedOmemoDevice {
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
