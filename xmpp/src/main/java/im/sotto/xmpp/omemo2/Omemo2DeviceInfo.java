package im.sotto.xmpp.omemo2;

import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.omemo2.Omemo2IdentityKey;

/**
 * One peer OMEMO 2 device as this account knows it, for {@code sotto devices}: its id, its pinned Ed25519 identity
 * key (fingerprint as OMEMO 2 clients show it: {@link Omemo2IdentityKey#fingerprint()}), its trust level, and whether
 * a session exists.
 */
public record Omemo2DeviceInfo(String account, long deviceId, Omemo2IdentityKey identityKey, OmemoTrustLevel level,
        boolean hasSession) {
    /** The {@code xmpp:} URI query part OMEMO clients put in QR codes: {@code omemo2-sid-N=hex}. */
    public String uriParameter() {
        return "omemo2-sid-" + deviceId + "=" + identityKey.fingerprintHex();
    }
}
