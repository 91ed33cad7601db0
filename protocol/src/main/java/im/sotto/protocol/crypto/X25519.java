package im.sotto.protocol.crypto;

import java.security.SecureRandom;

/**
 * X25519 (RFC 7748) on BouncyCastle's constant-time field arithmetic, chosen by measurement over SunEC (see
 * docs/performance.md). An all-zero shared secret (low-order or twist point) is rejected, as Noise and Signal
 * recommend, so a peer can never force a known key.
 */
public final class X25519 {
    public static final int KEY_LENGTH = 32;

    private X25519() {}

    public static X25519KeyPair generateKeyPair(SecureRandom random) {
        byte[] priv = new byte[KEY_LENGTH];
        random.nextBytes(priv);
        return X25519KeyPair.fromPrivate(SecretBytes.adopt(priv));
    }

    static byte[] publicKeyOf(byte[] privateKey) {
        byte[] pub = new byte[KEY_LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(privateKey, 0, pub, 0);
        return pub;
    }

    /** DH(private, peerPublic). Throws on a malformed or low-order peer key. */
    public static SecretBytes agree(SecretBytes privateKey, byte[] peerPublicKey) throws InvalidPublicKeyException {
        if (peerPublicKey == null || peerPublicKey.length != KEY_LENGTH) {
            throw new InvalidPublicKeyException("X25519 public key must be 32 bytes");
        }
        if (privateKey.length() != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private key must be 32 bytes");
        }
        byte[] shared = new byte[KEY_LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(privateKey.unsafeView(), 0, peerPublicKey, 0, shared, 0);
        if (ConstantTime.isAllZero(shared)) {
            throw new InvalidPublicKeyException("X25519 shared secret is all zero (low-order public key)");
        }
        return SecretBytes.adopt(shared);
    }
}
