package im.sotto.protocol.omemo2.internal;

import im.sotto.protocol.crypto.Ed25519KeyPair;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * OMEMO 2 publishes identity keys in their Ed25519 form and uses them in X3DH through the birational map to
 * Curve25519: the Montgomery u of an Edwards point is (1 + y) / (1 − y), and the X25519 scalar of an Ed25519 key is
 * the clamped first half of SHA-512 of its seed, as RFC 8032 derives the signing scalar. So one key both signs the
 * signed prekey (plain Ed25519) and agrees keys.
 */
public final class EdwardsKeys {
    public static final int KEY_LENGTH = 32;
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

    private EdwardsKeys() {}

    /** The X25519 key pair of an Ed25519 identity (same scalar, Montgomery form of the same point). */
    public static X25519KeyPair x25519Of(Ed25519KeyPair identity) {
        byte[] hash = HashAlgorithm.SHA512.digest(identity.seed().reveal());
        byte[] scalar = Arrays.copyOf(hash, KEY_LENGTH);
        Arrays.fill(hash, (byte) 0);
        scalar[0] &= (byte) 0xf8;
        scalar[31] &= 0x7f;
        scalar[31] |= 0x40;
        try {
            return X25519KeyPair.fromPrivate(SecretBytes.copyOf(scalar));
        } finally {
            Arrays.fill(scalar, (byte) 0);
        }
    }

    /**
     * The Curve25519 u of a peer's Ed25519 public key. The key must decode to a point of the prime-order subgroup
     * (BouncyCastle's full validation), else {@link OmemoFailure#INVALID_PUBLIC_KEY}.
     */
    public static byte[] montgomeryOf(byte[] edwardsPublic) throws OmemoException {
        if (edwardsPublic == null || edwardsPublic.length != KEY_LENGTH
                || !org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(edwardsPublic, 0)) {
            throw new OmemoException(OmemoFailure.INVALID_PUBLIC_KEY, "not an Ed25519 public key");
        }
        byte[] littleEndian = edwardsPublic.clone();
        littleEndian[31] &= 0x7f;
        BigInteger y = new BigInteger(1, reverse(littleEndian));
        BigInteger denominator = BigInteger.ONE.subtract(y).mod(P);
        if (denominator.signum() == 0) {
            // y = 1 is the neutral element, which full validation already refuses; kept as a guard for the division.
            throw new OmemoException(OmemoFailure.INVALID_PUBLIC_KEY, "neutral point");
        }
        BigInteger u = BigInteger.ONE.add(y).multiply(denominator.modInverse(P)).mod(P);
        byte[] bigEndian = u.toByteArray();
        byte[] out = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }
}
