package im.sotto.protocol.omemo;

import im.sotto.protocol.omemo.internal.CurveKeys;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A device's OMEMO identity key: an X25519 public key, published in the bundle with Signal's 0x05 type byte, and
 * shown to users as its fingerprint.
 */
public final class OmemoIdentityKey {
    private static final int GROUP = 8;
    private final byte[] publicKey;

    private OmemoIdentityKey(byte[] publicKey) {
        this.publicKey = publicKey;
    }

    /** From the 32-byte X25519 public key. */
    public static OmemoIdentityKey of(byte[] publicKey) throws OmemoException {
        if (publicKey == null || publicKey.length != CurveKeys.KEY_LENGTH) {
            throw new OmemoException(OmemoFailure.INVALID_PUBLIC_KEY, "identity key must be 32 bytes");
        }
        return new OmemoIdentityKey(publicKey.clone());
    }

    /** From the 33-byte form of bundles and prekey messages (0x05 then the key). */
    public static OmemoIdentityKey fromSerialized(byte[] serialized) throws OmemoException {
        return new OmemoIdentityKey(CurveKeys.parse(serialized, "identity key"));
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public byte[] serialized() {
        return CurveKeys.serialize(publicKey);
    }

    /** The 64 lowercase hex digits of the 32-byte key, as in {@code xmpp:} URIs ({@code omemo-sid-N=...}). */
    public String fingerprintHex() {
        return HexFormat.of().formatHex(publicKey);
    }

    /**
     * The fingerprint as OMEMO clients show it (Conversations, Dino, Gajim): the 64 hex digits of the key without its
     * type byte, in groups of eight separated by spaces.
     */
    public String fingerprint() {
        String hex = fingerprintHex();
        StringBuilder out = new StringBuilder(hex.length() + hex.length() / GROUP);
        for (int i = 0; i < hex.length(); i += GROUP) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(hex, i, i + GROUP);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OmemoIdentityKey && Arrays.equals(publicKey, ((OmemoIdentityKey) o).publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "OmemoIdentityKey[" + fingerprint() + "]";
    }
}
