package im.sotto.protocol.omemo;

import im.sotto.protocol.omemo.internal.CurveKeys;
import im.sotto.protocol.omemo.internal.XEdDsa;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An OMEMO 0.3 bundle as data (the binding reads and writes its XML): the device's identity key, its signed prekey
 * with id and XEdDSA signature (over the prekey's 33-byte 0x05 form), and its one-time prekeys with ids. Every key
 * is kept in its 32-byte form; {@link #fromPublished} takes the 33-byte forms bundles carry.
 */
public final class OmemoBundle {
    /** A published one-time prekey. */
    public record PreKey(int id, byte[] publicKey) {
        public PreKey {
            if (id < 0 || publicKey == null || publicKey.length != CurveKeys.KEY_LENGTH) {
                throw new IllegalArgumentException("prekey id must be >= 0 and the key 32 bytes");
            }
            publicKey = publicKey.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        public byte[] serialized() {
            return CurveKeys.serialize(publicKey);
        }
    }

    private final int deviceId;
    private final OmemoIdentityKey identityKey;
    private final int signedPreKeyId;
    private final byte[] signedPreKey;
    private final byte[] signedPreKeySignature;
    private final List<PreKey> preKeys;

    OmemoBundle(int deviceId, OmemoIdentityKey identityKey, int signedPreKeyId, byte[] signedPreKey,
            byte[] signedPreKeySignature, List<PreKey> preKeys) {
        this.deviceId = deviceId;
        this.identityKey = identityKey;
        this.signedPreKeyId = signedPreKeyId;
        this.signedPreKey = signedPreKey.clone();
        this.signedPreKeySignature = signedPreKeySignature.clone();
        this.preKeys = List.copyOf(preKeys);
    }

    /**
     * From a bundle's published fields: the 33-byte identity key and keys, the 64-byte signature. Sizes, the type
     * byte, id ranges, repeated prekey ids and the prekey count are checked; the signature is checked by
     * {@link #signatureValid()} (and by {@link OmemoSessionCipher#buildSession}).
     */
    public static OmemoBundle fromPublished(long deviceId, byte[] identityKey, long signedPreKeyId,
            byte[] signedPreKey, byte[] signedPreKeySignature, List<PublishedPreKey> preKeys) throws OmemoException {
        if (!OmemoDeviceId.isValid(deviceId)) {
            throw new OmemoException(OmemoFailure.MALFORMED, "device id out of range");
        }
        if (signedPreKeyId < 0 || signedPreKeyId > Integer.MAX_VALUE) {
            throw new OmemoException(OmemoFailure.MALFORMED, "signed prekey id out of range");
        }
        if (signedPreKeySignature == null || signedPreKeySignature.length != XEdDsa.SIGNATURE_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "signed prekey signature must be 64 bytes");
        }
        if (preKeys.size() > OmemoLimits.MAX_BUNDLE_PREKEYS) {
            throw new OmemoException(OmemoFailure.MALFORMED, "more than " + OmemoLimits.MAX_BUNDLE_PREKEYS
                    + " prekeys");
        }
        List<PreKey> keys = new ArrayList<>(preKeys.size());
        Set<Long> seen = new HashSet<>();
        for (PublishedPreKey p : preKeys) {
            if (p.id() < 0 || p.id() > Integer.MAX_VALUE || !seen.add(p.id())) {
                throw new OmemoException(OmemoFailure.MALFORMED, "prekey id out of range or repeated");
            }
            keys.add(new PreKey((int) p.id(), CurveKeys.parse(p.serializedKey(), "prekey")));
        }
        return new OmemoBundle((int) deviceId, OmemoIdentityKey.fromSerialized(identityKey), (int) signedPreKeyId,
                CurveKeys.parse(signedPreKey, "signed prekey"), signedPreKeySignature, keys);
    }

    /** A one-time prekey as published: its id attribute and its 33-byte key. */
    public record PublishedPreKey(long id, byte[] serializedKey) {
        public PublishedPreKey {
            serializedKey = serializedKey == null ? null : serializedKey.clone();
        }

        @Override
        public byte[] serializedKey() {
            return serializedKey == null ? null : serializedKey.clone();
        }
    }

    /** Whether the signed prekey's signature verifies under the identity key (XEdDSA over the 0x05 form). */
    public boolean signatureValid() {
        return XEdDsa.verify(identityKey.publicKey(), CurveKeys.serialize(signedPreKey), signedPreKeySignature);
    }

    public int deviceId() {
        return deviceId;
    }

    public OmemoIdentityKey identityKey() {
        return identityKey;
    }

    public int signedPreKeyId() {
        return signedPreKeyId;
    }

    /** The signed prekey's 32 bytes; {@link #signedPreKeySerialized()} for the published 33-byte form. */
    public byte[] signedPreKey() {
        return signedPreKey.clone();
    }

    public byte[] signedPreKeySerialized() {
        return CurveKeys.serialize(signedPreKey);
    }

    public byte[] signedPreKeySignature() {
        return signedPreKeySignature.clone();
    }

    public List<PreKey> preKeys() {
        return Collections.unmodifiableList(preKeys);
    }

    @Override
    public String toString() {
        return "OmemoBundle[device " + deviceId + ", " + identityKey + ", signed prekey " + signedPreKeyId + ", "
                + preKeys.size() + " prekeys]";
    }
}
