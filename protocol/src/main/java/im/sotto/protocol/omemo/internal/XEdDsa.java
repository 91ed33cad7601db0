package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * XEdDSA (Signal's XEdDSA and VXEdDSA specification, 2016): EdDSA signatures made and checked with X25519 keys, which
 * is how OMEMO identity keys sign signed prekeys.
 *
 * <p>Signing follows the specification: the Edwards public key A is the one whose x is even, and the private scalar
 * is negated when k*B has an odd x, so that a*B = A; the nonce hashes a, the message and 64 random bytes behind the
 * specification's hash1 prefix. Signatures made this way always have the top bit of S clear.
 *
 * <p>Verification also accepts the convention Signal's libraries use when signing, which keep a and put the sign of
 * k*B's x into the unused top bit of S: the Edwards key is rebuilt with that bit, which is clear for signatures made
 * as above, then checked as a plain Ed25519 signature (BouncyCastle, which rejects S outside [0, order)).
 *
 * <p>Scalar arithmetic modulo the group order uses BigInteger, whose timing is not guaranteed constant; signing
 * happens only when this device creates a signed prekey, never in reaction to a peer, so no attacker can time it in
 * bulk. The point multiplication, which handles the private scalar bit by bit, is constant-time.
 */
public final class XEdDsa {
    public static final int SIGNATURE_LENGTH = 64;
    public static final int KEY_LENGTH = 32;
    private static final int RANDOM_LENGTH = 64;

    private XEdDsa() {}

    /** Signs {@code message} with an X25519 private key (clamped here as X25519 uses it). */
    public static byte[] sign(SecretBytes montgomeryPrivateKey, byte[] message, SecureRandom random) {
        if (montgomeryPrivateKey.length() != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private key must be 32 bytes");
        }
        byte[] k = montgomeryPrivateKey.reveal();
        byte[] z = new byte[RANDOM_LENGTH];
        random.nextBytes(z);
        byte[] aBytes = null;
        byte[] rBytes = null;
        try {
            clamp(k);
            byte[] kB = EdwardsPoint.multiplyBaseEncoded(k);
            int xIsOdd = (kB[31] >>> 7) & 1;
            byte[] publicA = kB.clone();
            publicA[31] &= 0x7f;
            BigInteger kScalar = Scalars.fromLittleEndian(k).mod(Scalars.ORDER);
            BigInteger a = xIsOdd == 1 ? Scalars.ORDER.subtract(kScalar).mod(Scalars.ORDER) : kScalar;
            aBytes = Scalars.toLittleEndian32(a);
            BigInteger r = Scalars.fromLittleEndian(HashAlgorithm.SHA512.digest(hash1Prefix(), aBytes, message, z))
                    .mod(Scalars.ORDER);
            rBytes = Scalars.toLittleEndian32(r);
            byte[] bigR = EdwardsPoint.multiplyBaseEncoded(rBytes);
            BigInteger h = Scalars.fromLittleEndian(HashAlgorithm.SHA512.digest(bigR, publicA, message))
                    .mod(Scalars.ORDER);
            BigInteger s = r.add(h.multiply(a)).mod(Scalars.ORDER);
            byte[] signature = Arrays.copyOf(bigR, SIGNATURE_LENGTH);
            System.arraycopy(Scalars.toLittleEndian32(s), 0, signature, 32, 32);
            return signature;
        } finally {
            Arrays.fill(k, (byte) 0);
            Arrays.fill(z, (byte) 0);
            if (aBytes != null) {
                Arrays.fill(aBytes, (byte) 0);
            }
            if (rBytes != null) {
                Arrays.fill(rBytes, (byte) 0);
            }
        }
    }

    /** True only for a valid signature over {@code message} by the X25519 public key {@code montgomeryPublicKey}. */
    public static boolean verify(byte[] montgomeryPublicKey, byte[] message, byte[] signature) {
        if (montgomeryPublicKey == null || message == null || signature == null
                || montgomeryPublicKey.length != KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        BigInteger u = Scalars.fromLittleEndian(montgomeryPublicKey);
        // u must be a canonical field element; u = -1 has no Edwards image (the map divides by u + 1).
        if (u.compareTo(EdwardsPoint.P) >= 0 || u.equals(EdwardsPoint.P.subtract(BigInteger.ONE))) {
            return false;
        }
        byte[] edwardsKey = EdwardsPoint.edwardsYFromMontgomeryU(u);
        edwardsKey[31] |= (byte) (signature[63] & 0x80);
        byte[] plain = signature.clone();
        plain[63] &= 0x7f;
        try {
            return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(plain, 0, edwardsKey, 0, message, 0,
                    message.length);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** hash1 of the specification: SHA-512 behind the 32-byte prefix 2^256 - 2 (0xFE then 31 bytes 0xFF). */
    private static byte[] hash1Prefix() {
        byte[] prefix = new byte[32];
        Arrays.fill(prefix, (byte) 0xff);
        prefix[0] = (byte) 0xfe;
        return prefix;
    }

    private static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }
}
