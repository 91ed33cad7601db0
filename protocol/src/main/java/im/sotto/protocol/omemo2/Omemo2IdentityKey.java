package im.sotto.protocol.omemo2;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo2.internal.EdwardsKeys;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A device's OMEMO 2 identity key: an Ed25519 public key, published and sent as its 32 bytes. Only keys that decode
 * to a point of the prime-order subgroup are accepted, so every key held here can be mapped to Curve25519 for X3DH.
 */
public final class Omemo2IdentityKey {
    private static final int GROUP = 8;
    private final byte[] publicKey;

    private Omemo2IdentityKey(byte[] publicKey) {
        this.publicKey = publicKey;
    }

    public static Omemo2IdentityKey of(byte[] ed25519PublicKey) throws OmemoException {
        EdwardsKeys.montgomeryOf(ed25519PublicKey);
        return new Omemo2IdentityKey(ed25519PublicKey.clone());
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 64 lowercase hex digits of the Ed25519 key. */
    public String fingerprintHex() {
        return HexFormat.of().formatHex(publicKey);
    }

    /** The hex digits in groups of eight separated by spaces, as for OMEMO 0.3 keys (section 10.14). */
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
        return o instanceof Omemo2IdentityKey k && Arrays.equals(publicKey, k.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "Omemo2IdentityKey[" + fingerprint() + "]";
    }

    static Omemo2IdentityKey trusted(byte[] storedKey) {
        try {
            return of(storedKey);
        } catch (OmemoException e) {
            throw new IllegalStateException("stored OMEMO 2 identity key", e);
        }
    }
}
