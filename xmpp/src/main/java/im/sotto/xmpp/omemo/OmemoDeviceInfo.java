package im.sotto.xmpp.omemo;

import im.sotto.protocol.omemo.OmemoIdentityKey;
import im.sotto.protocol.omemo.OmemoTrustLevel;

/**
 * One peer OMEMO device as this account knows it, for {@code sotto devices}/{@code contacts}: its id, its pinned
 * identity key (fingerprint as OMEMO clients show it: {@link OmemoIdentityKey#fingerprint()}), the trust level, and
 * whether a session exists.
 */
public record OmemoDeviceInfo(String account, long deviceId, OmemoIdentityKey identityKey, OmemoTrustLevel level,
        boolean hasSession) {
    /** The {@code xmpp:} URI query part OMEMO clients put in QR codes: {@code omemo-sid-N=hex}. */
    public String uriParameter() {
        return "omemo-sid-" + deviceId + "=" + identityKey.fingerprintHex();
    }
}
