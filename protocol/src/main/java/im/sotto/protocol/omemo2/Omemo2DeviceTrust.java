package im.sotto.protocol.omemo2;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * The trust record of one peer OMEMO 2 device: its Ed25519 identity key as first seen (pinned: another key under the
 * same device id is refused until the user decides) and its {@link OmemoTrustLevel}, with the same rules as OMEMO
 * 0.3 devices. Record layout: version byte 2 (so an OMEMO 0.3 record, version 1, is never read as one), the 32-byte
 * key, the level's code.
 */
public record Omemo2DeviceTrust(Omemo2IdentityKey identityKey, OmemoTrustLevel level) {
    private static final int VERSION = 2;
    private static final int LENGTH = 2 + Omemo2Bundle.KEY_LENGTH;

    public Omemo2DeviceTrust {
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(level, "level");
    }

    /**
     * A device seen for the first time: blind trust, unless the contact has a verified OMEMO 2 device, when the new
     * one waits for the user's approval.
     */
    public static Omemo2DeviceTrust firstSight(Omemo2IdentityKey key, Collection<Omemo2DeviceTrust> othersOfContact) {
        boolean verifiedContact = othersOfContact.stream().anyMatch(t -> t.level() == OmemoTrustLevel.VERIFIED);
        return new Omemo2DeviceTrust(key, verifiedContact ? OmemoTrustLevel.AWAITING_APPROVAL : OmemoTrustLevel.BLIND);
    }

    /** Whether {@code presented} may be used in that direction: the pinned key at a level that allows it. */
    public static boolean allows(Optional<Omemo2DeviceTrust> pinned, Omemo2IdentityKey presented, boolean sending) {
        if (pinned.isEmpty()) {
            return true;
        }
        Omemo2DeviceTrust t = pinned.get();
        return t.identityKey.equals(presented) && (sending ? t.level.maySendTo() : t.level.mayReceiveFrom());
    }

    public Omemo2DeviceTrust withLevel(OmemoTrustLevel newLevel) {
        return new Omemo2DeviceTrust(identityKey, newLevel);
    }

    public byte[] encode() {
        byte[] out = new byte[LENGTH];
        out[0] = VERSION;
        System.arraycopy(identityKey.publicKey(), 0, out, 1, Omemo2Bundle.KEY_LENGTH);
        out[LENGTH - 1] = (byte) level.ordinal();
        return out;
    }

    /** Strict: a wrong version, length, key or level code is MALFORMED. */
    public static Omemo2DeviceTrust decode(byte[] record) throws OmemoException {
        if (record == null || record.length != LENGTH || record[0] != VERSION) {
            throw new OmemoException(OmemoFailure.MALFORMED, "OMEMO 2 trust record of wrong version or length");
        }
        int code = record[LENGTH - 1];
        if (code < 0 || code >= OmemoTrustLevel.values().length) {
            throw new OmemoException(OmemoFailure.MALFORMED, "unknown OMEMO trust level " + code);
        }
        byte[] key = new byte[Omemo2Bundle.KEY_LENGTH];
        System.arraycopy(record, 1, key, 0, key.length);
        return new Omemo2DeviceTrust(Omemo2IdentityKey.of(key), OmemoTrustLevel.values()[code]);
    }
}
