package im.sotto.protocol.omemo;

import im.sotto.protocol.omemo.internal.CurveKeys;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * The trust record of one peer OMEMO device: the identity key first seen for it (pinned: another key under the same
 * device id is a key change, refused until the user decides) and its {@link OmemoTrustLevel}. Record layout: version
 * byte 1, the 32-byte key, the level's code.
 */
public record OmemoDeviceTrust(OmemoIdentityKey identityKey, OmemoTrustLevel level) {
    private static final int VERSION = 1;
    private static final int LENGTH = 2 + CurveKeys.KEY_LENGTH;

    public OmemoDeviceTrust {
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(level, "level");
    }

    /**
     * The record for a device seen for the first time: blind trust, unless the contact has a verified device, when
     * the new one waits for the user's approval (a verified contact's new device is not trusted silently).
     */
    public static OmemoDeviceTrust firstSight(OmemoIdentityKey key, Collection<OmemoDeviceTrust> contactsOtherDevices) {
        boolean verifiedContact = contactsOtherDevices.stream().anyMatch(t -> t.level() == OmemoTrustLevel.VERIFIED);
        return new OmemoDeviceTrust(key, verifiedContact ? OmemoTrustLevel.AWAITING_APPROVAL : OmemoTrustLevel.BLIND);
    }

    /**
     * Whether {@code presented} may be used for this device: it must be the pinned key, at a level that allows the
     * direction. A device without a record is allowed (first sight); the caller stores {@link #firstSight} after
     * the operation succeeded.
     */
    public static boolean allows(Optional<OmemoDeviceTrust> pinned, OmemoIdentityKey presented, boolean sending) {
        if (pinned.isEmpty()) {
            return true;
        }
        OmemoDeviceTrust t = pinned.get();
        return t.identityKey.equals(presented) && (sending ? t.level.maySendTo() : t.level.mayReceiveFrom());
    }

    public OmemoDeviceTrust withLevel(OmemoTrustLevel newLevel) {
        return new OmemoDeviceTrust(identityKey, newLevel);
    }

    public byte[] encode() {
        byte[] out = new byte[LENGTH];
        out[0] = VERSION;
        System.arraycopy(identityKey.publicKey(), 0, out, 1, CurveKeys.KEY_LENGTH);
        out[LENGTH - 1] = (byte) level.ordinal();
        return out;
    }

    /** Strict: a wrong version, length or level code is MALFORMED. */
    public static OmemoDeviceTrust decode(byte[] record) throws OmemoException {
        if (record == null || record.length != LENGTH || record[0] != VERSION) {
            throw new OmemoException(OmemoFailure.MALFORMED, "OMEMO trust record of wrong version or length");
        }
        int code = record[LENGTH - 1];
        if (code < 0 || code >= OmemoTrustLevel.values().length) {
            throw new OmemoException(OmemoFailure.MALFORMED, "unknown OMEMO trust level " + code);
        }
        byte[] key = new byte[CurveKeys.KEY_LENGTH];
        System.arraycopy(record, 1, key, 0, key.length);
        return new OmemoDeviceTrust(OmemoIdentityKey.of(key), OmemoTrustLevel.values()[code]);
    }
}
