package im.sotto.protocol.pake;

import java.math.BigInteger;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * The Elligator 2 map to Curve25519 of RFC 9380 section 6.7.1 (Montgomery form, J = 486662, K = 1, Z = 2), u
 * coordinate only, as CPace's G_X25519 uses it. The draft requires the map to run in constant time, since its input
 * is a hash of the password: it runs on BouncyCastle's constant-time field arithmetic, with both candidates always
 * computed and the choice made by a conditional move; exponents are public constants.
 *
 * <p>RFC 9380 steps, for field element u:
 * <ol>
 *   <li>x1 = -J * inv0(1 + Z * u^2); if x1 == 0, x1 = -J (unreachable here: -1/2 is not a square mod p, so
 *       1 + 2u^2 is never zero, but kept as the RFC writes it);
 *   <li>gx1 = x1^3 + J * x1^2 + x1;
 *   <li>x2 = -x1 - J;
 *   <li>x = x1 if gx1 is a square (Euler's criterion, gx1^((p-1)/2) != -1), else x2.
 * </ol>
 */
final class Elligator2Curve25519 {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger P_MINUS_2 = P.subtract(BigInteger.TWO);
    private static final BigInteger LEGENDRE_EXPONENT = P.subtract(BigInteger.ONE).shiftRight(1);
    private static final int J = 486662;

    private Elligator2Curve25519() {}

    /** Maps a 32-byte little-endian field element (bit 255 must already be clear) to a canonical u coordinate. */
    static byte[] mapToCurve(byte[] fieldElement) {
        if (fieldElement.length != 32 || (fieldElement[31] & 0x80) != 0) {
            throw new IllegalArgumentException("expects 32 bytes with bit 255 clear");
        }
        int[] u = X25519Field.create();
        X25519Field.decode(fieldElement, 0, u);

        int[] minusJ = constant(J);
        X25519Field.negate(minusJ, minusJ);

        // x1 = -J * inv0(1 + 2u^2)
        int[] t = X25519Field.create();
        X25519Field.sqr(u, t);
        X25519Field.mul(t, 2, t);
        X25519Field.addOne(t);
        int[] x1 = X25519Field.create();
        X25519Field.mul(pow(t, P_MINUS_2), minusJ, x1);
        X25519Field.normalize(x1);
        X25519Field.cmov(X25519Field.isZero(x1), minusJ, 0, x1, 0);

        // gx1 = x1 * (x1 * (x1 + J) + 1)
        int[] gx1 = X25519Field.create();
        X25519Field.sub(x1, minusJ, gx1);
        X25519Field.mul(gx1, x1, gx1);
        X25519Field.addOne(gx1);
        X25519Field.mul(gx1, x1, gx1);

        // x2 = -x1 - J
        int[] x2 = X25519Field.create();
        X25519Field.sub(minusJ, x1, x2);

        int[] legendre = pow(gx1, LEGENDRE_EXPONENT);
        int[] minusOne = X25519Field.create();
        X25519Field.one(minusOne);
        X25519Field.negate(minusOne, minusOne);
        X25519Field.normalize(minusOne);
        X25519Field.normalize(legendre);
        int nonSquare = X25519Field.areEqual(legendre, minusOne);

        int[] x = X25519Field.create();
        X25519Field.copy(x1, 0, x, 0);
        X25519Field.cmov(nonSquare, x2, 0, x, 0);
        X25519Field.normalize(x);
        byte[] out = new byte[32];
        X25519Field.encode(x, out, 0);
        return out;
    }

    private static int[] constant(int value) {
        byte[] le = new byte[32];
        le[0] = (byte) value;
        le[1] = (byte) (value >>> 8);
        le[2] = (byte) (value >>> 16);
        int[] z = X25519Field.create();
        X25519Field.decode(le, 0, z);
        return z;
    }

    /** x^e by square-and-multiply over the bits of a public exponent: the same operations for every x. */
    private static int[] pow(int[] x, BigInteger exponent) {
        int[] result = X25519Field.create();
        X25519Field.one(result);
        for (int i = exponent.bitLength() - 1; i >= 0; i--) {
            X25519Field.sqr(result, result);
            if (exponent.testBit(i)) {
                X25519Field.mul(result, x, result);
            }
        }
        return result;
    }
}
