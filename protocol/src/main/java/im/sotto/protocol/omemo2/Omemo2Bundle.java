package im.sotto.protocol.omemo2;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A device's published OMEMO 2 bundle ({@code urn:xmpp:omemo:2:bundles}): its Ed25519 identity key ({@code ik}), the
 * signed prekey ({@code spk}, a raw 32-byte X25519 key) with its plain Ed25519 signature ({@code spks}) over those 32
 * bytes, and the one-time prekeys ({@code pk}, raw 32-byte X25519 keys).
 */
public final class Omemo2Bundle {
    public static final int KEY_LENGTH = 32;

    /** A one-time prekey: its id and raw 32-byte key. */
    public record PreKey(int id, byte[] publicKey) {
        public PreKey {
            if (id < 0 || publicKey == null || publicKey.length != KEY_LENGTH) {
                throw new IllegalArgumentException("prekey needs an id >= 0 and 32 bytes");
            }
            publicKey = publicKey.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }
    }

    private final int deviceId;
    private final Omemo2IdentityKey identityKey;
    private final int signedPreKeyId;
    private final byte[] signedPreKey;
    private final byte[] signedPreKeySignature;
    private final List<PreKey> preKeys;

    Omemo2Bundle(int deviceId, Omemo2IdentityKey identityKey, int signedPreKeyId, byte[] signedPreKey,
            byte[] signedPreKeySignature, List<PreKey> preKeys) {
        this.deviceId = deviceId;
        this.identityKey = identityKey;
        this.signedPreKeyId = signedPreKeyId;
        this.signedPreKey = signedPreKey.clone();
        this.signedPreKeySignature = signedPreKeySignature.clone();
        this.preKeys = List.copyOf(preKeys);
    }

    /** A one-time prekey as published: its id attribute and its decoded bytes. */
    public record PublishedPreKey(long id, byte[] key) {
        public PublishedPreKey {
            key = key == null ? null : key.clone();
        }

        @Override
        public byte[] key() {
            return key == null ? null : key.clone();
        }
    }

    /**
     * From a bundle's published fields. Sizes, id ranges, repeated prekey ids, the prekey count (at least one: OMEMO
     * 2's key exchange always names a one-time prekey) and the identity key's encoding are checked; the signature is
     * checked by {@link #signatureValid()} (and by {@link Omemo2SessionCipher#buildSession}).
     */
    public static Omemo2Bundle fromPublished(long deviceId, byte[] identityKey, long signedPreKeyId,
            byte[] signedPreKey, byte[] signature, List<PublishedPreKey> preKeys) throws OmemoException {
        if (!OmemoDeviceId.isValid(deviceId)) {
            throw new OmemoException(OmemoFailure.MALFORMED, "device id out of range");
        }
        if (signedPreKeyId < 0 || signedPreKeyId > Integer.MAX_VALUE) {
            throw new OmemoException(OmemoFailure.MALFORMED, "signed prekey id out of range");
        }
        if (signature == null || signature.length != Ed25519.SIGNATURE_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "signed prekey signature must be 64 bytes");
        }
        if (signedPreKey == null || signedPreKey.length != KEY_LENGTH) {
            throw new OmemoException(OmemoFailure.INVALID_PUBLIC_KEY, "signed prekey must be 32 bytes");
        }
        if (preKeys.isEmpty() || preKeys.size() > OmemoLimits.MAX_BUNDLE_PREKEYS) {
            throw new OmemoException(OmemoFailure.INVALID_BUNDLE, "needs 1.." + OmemoLimits.MAX_BUNDLE_PREKEYS
                    + " prekeys");
        }
        List<PreKey> keys = new ArrayList<>(preKeys.size());
        Set<Long> seen = new HashSet<>();
        for (PublishedPreKey p : preKeys) {
            if (p.id() < 0 || p.id() > Integer.MAX_VALUE || !seen.add(p.id())) {
                throw new OmemoException(OmemoFailure.MALFORMED, "prekey id out of range or repeated");
            }
            if (p.key() == null || p.key().length != KEY_LENGTH) {
                throw new OmemoException(OmemoFailure.INVALID_PUBLIC_KEY, "prekey must be 32 bytes");
            }
            keys.add(new PreKey((int) p.id(), p.key()));
        }
        return new Omemo2Bundle((int) deviceId, Omemo2IdentityKey.of(identityKey), (int) signedPreKeyId,
                signedPreKey, signature, keys);
    }

    /** Whether the signed prekey's signature verifies under the identity key (Ed25519 over the raw 32 bytes). */
    public boolean signatureValid() {
        return Ed25519.verify(identityKey.publicKey(), signedPreKey, signedPreKeySignature);
    }

    public int deviceId() {
        return deviceId;
    }

    public Omemo2IdentityKey identityKey() {
        return identityKey;
    }

    public int signedPreKeyId() {
        return signedPreKeyId;
    }

    public byte[] signedPreKey() {
        return signedPreKey.clone();
    }

    public byte[] signedPreKeySignature() {
        return signedPreKeySignature.clone();
    }

    public List<PreKey> preKeys() {
        return preKeys;
    }

    @Override
    public String toString() {
        return "Omemo2Bundle[device " + deviceId + ", " + identityKey + ", spk " + signedPreKeyId + ", "
                + preKeys.size() + " prekeys]";
    }
}
