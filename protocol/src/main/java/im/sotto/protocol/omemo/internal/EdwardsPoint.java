package im.sotto.protocol.omemo.internal;

import java.math.BigInteger;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Points of the twisted Edwards curve edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2) in extended coordinates, with just
 * what XEdDSA signing needs: a constant-time multiplication of the base point by an arbitrary scalar and the standard
 * 32-byte encoding. BouncyCastle's Ed25519 only multiplies by scalars it derives itself from a seed, so the few
 * formulas live here, over BouncyCastle's constant-time field arithmetic ({@link X25519Field}).
 */
final class EdwardsPoint {
    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** d = -121665 / 121666 mod p (RFC 7748, section 4.1). */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    /** The base point's coordinates (RFC 8032, section 5.1). */
    private static final BigInteger BASE_X = new BigInteger(
            "15112221349535400772501151409588531511454012693041857206046113283949847762202");
    private static final BigInteger BASE_Y = new BigInteger(
            "46316835694926478169428394003475163141307993866256225615783033603165251855960");
    private static final int[] TWO_D = field(D.shiftLeft(1).mod(P));
    private static final EdwardsPoint BASE = new EdwardsPoint(field(BASE_X), field(BASE_Y), field(BigInteger.ONE),
            field(BASE_X.multiply(BASE_Y).mod(P)));

    private final int[] x;
    private final int[] y;
    private final int[] z;
    private final int[] t;

    private EdwardsPoint(int[] x, int[] y, int[] z, int[] t) {
        this.x = x;
        this.y = y;
        this.z = z;
        this.t = t;
    }

    private static EdwardsPoint identity() {
        return new EdwardsPoint(field(BigInteger.ZERO), field(BigInteger.ONE), field(BigInteger.ONE),
                field(BigInteger.ZERO));
    }

    private EdwardsPoint copy() {
        return new EdwardsPoint(x.clone(), y.clone(), z.clone(), t.clone());
    }

    /**
     * scalar * B for a 32-byte little-endian scalar, by a Montgomery ladder over all 256 bits with conditional swaps
     * and the complete addition law, so the time does not depend on the scalar.
     */
    static byte[] multiplyBaseEncoded(byte[] scalar) {
        if (scalar.length != 32) {
            throw new IllegalArgumentException("scalar must be 32 bytes");
        }
        EdwardsPoint r0 = identity();
        EdwardsPoint r1 = BASE.copy();
        int swapped = 0;
        for (int i = 255; i >= 0; i--) {
            int bit = (scalar[i >>> 3] >>> (i & 7)) & 1;
            swap(swapped ^ bit, r0, r1);
            swapped = bit;
            EdwardsPoint sum = add(r0, r1);
            EdwardsPoint doubled = add(r0, r0);
            assign(r1, sum);
            assign(r0, doubled);
        }
        swap(swapped, r0, r1);
        return r0.encode();
    }

    /** The complete addition law for a = -1 (Hisil, Wong, Carter, Dawson 2008, "add-2008-hwcd-3"). */
    private static EdwardsPoint add(EdwardsPoint p, EdwardsPoint q) {
        int[] a = X25519Field.create();
        int[] b = X25519Field.create();
        int[] c = X25519Field.create();
        int[] d = X25519Field.create();
        int[] tmp = X25519Field.create();
        sub(p.y, p.x, a);
        sub(q.y, q.x, tmp);
        X25519Field.mul(a, tmp, a);
        add(p.y, p.x, b);
        add(q.y, q.x, tmp);
        X25519Field.mul(b, tmp, b);
        X25519Field.mul(p.t, q.t, c);
        X25519Field.mul(c, TWO_D, c);
        add(p.z, p.z, d);
        X25519Field.mul(d, q.z, d);
        int[] e = X25519Field.create();
        int[] f = X25519Field.create();
        int[] g = X25519Field.create();
        int[] h = X25519Field.create();
        sub(b, a, e);
        sub(d, c, f);
        add(d, c, g);
        add(b, a, h);
        EdwardsPoint r = new EdwardsPoint(X25519Field.create(), X25519Field.create(), X25519Field.create(),
                X25519Field.create());
        X25519Field.mul(e, f, r.x);
        X25519Field.mul(g, h, r.y);
        X25519Field.mul(e, h, r.t);
        X25519Field.mul(f, g, r.z);
        return r;
    }

    private static void add(int[] u, int[] v, int[] out) {
        X25519Field.add(u, v, out);
        X25519Field.carry(out);
    }

    private static void sub(int[] u, int[] v, int[] out) {
        X25519Field.sub(u, v, out);
        X25519Field.carry(out);
    }

    private static void swap(int condition, EdwardsPoint p, EdwardsPoint q) {
        X25519Field.cswap(condition, p.x, q.x);
        X25519Field.cswap(condition, p.y, q.y);
        X25519Field.cswap(condition, p.z, q.z);
        X25519Field.cswap(condition, p.t, q.t);
    }

    private static void assign(EdwardsPoint target, EdwardsPoint source) {
        X25519Field.copy(source.x, 0, target.x, 0);
        X25519Field.copy(source.y, 0, target.y, 0);
        X25519Field.copy(source.z, 0, target.z, 0);
        X25519Field.copy(source.t, 0, target.t, 0);
    }

    /** RFC 8032 encoding: y little-endian, the low bit of x in the top bit. */
    private byte[] encode() {
        int[] zInverse = X25519Field.create();
        X25519Field.inv(z, zInverse);
        int[] affineX = X25519Field.create();
        int[] affineY = X25519Field.create();
        X25519Field.mul(x, zInverse, affineX);
        X25519Field.mul(y, zInverse, affineY);
        X25519Field.normalize(affineX);
        X25519Field.normalize(affineY);
        byte[] xBytes = new byte[32];
        byte[] out = new byte[32];
        X25519Field.encode(affineX, xBytes, 0);
        X25519Field.encode(affineY, out, 0);
        out[31] = (byte) ((out[31] & 0x7f) | ((xBytes[0] & 1) << 7));
        return out;
    }

    /** The Edwards y coordinate (encoded, sign bit clear) of the Montgomery u coordinate: y = (u - 1) / (u + 1). */
    static byte[] edwardsYFromMontgomeryU(BigInteger u) {
        BigInteger y = u.subtract(BigInteger.ONE).multiply(u.add(BigInteger.ONE).modInverse(P)).mod(P);
        return Scalars.toLittleEndian32(y);
    }

    private static int[] field(BigInteger value) {
        int[] out = X25519Field.create();
        X25519Field.decode(Scalars.toLittleEndian32(value), 0, out);
        return out;
    }
}
