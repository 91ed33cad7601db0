package im.sotto.protocol.pake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.Vectors;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The constant-time map against a plain BigInteger transcription of RFC 9380 section 6.7.1 (and of the draft's
 * appendix formula): on edge values of the field and on seeded random inputs, and each output must be the u
 * coordinate of a curve point (u^3 + A u^2 + u a square).
 */
class Elligator2Curve25519Test {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger A = BigInteger.valueOf(486662);
    private static final int RANDOM_INPUTS = 300;

    @Test
    void matchesTheBigIntegerReference() {
        List<BigInteger> inputs = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                P.subtract(BigInteger.ONE), P, P.add(BigInteger.ONE),
                BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE),
                P.shiftRight(1), A, P.subtract(A)));
        DeterministicRandom random = new DeterministicRandom("elligator2 reference");
        for (int i = 0; i < RANDOM_INPUTS; i++) {
            byte[] b = new byte[32];
            random.nextBytes(b);
            b[31] &= 0x7f;
            inputs.add(fromLittleEndian(b));
        }
        List<String> failures = new ArrayList<>();
        for (BigInteger u : inputs) {
            String expected = Vectors.hex(toLittleEndian(reference(u.mod(P))));
            String actual = Vectors.hex(Elligator2Curve25519.mapToCurve(toLittleEndian(u)));
            if (!expected.equals(actual)) {
                failures.add("u=" + u.toString(16) + ": expected " + expected + ", got " + actual);
            }
            if (!isSquare(curve(fromLittleEndian(Vectors.hex(actual))))) {
                failures.add("u=" + u.toString(16) + ": output is not on the curve");
            }
        }
        System.out.println("elligator2: " + inputs.size() + " inputs against the reference, " + failures.size()
                + " failed");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(10 + RANDOM_INPUTS, inputs.size());
    }

    /** RFC 9380 6.7.1 with J = A, K = 1, Z = 2, returning the Montgomery u coordinate. */
    private static BigInteger reference(BigInteger u) {
        BigInteger denominator = BigInteger.ONE.add(BigInteger.TWO.multiply(u.pow(2))).mod(P);
        BigInteger x1 = A.negate().multiply(inv0(denominator)).mod(P);
        if (x1.signum() == 0) {
            x1 = A.negate().mod(P);
        }
        BigInteger x2 = x1.negate().subtract(A).mod(P);
        return isSquare(curve(x1)) ? x1 : x2;
    }

    private static BigInteger curve(BigInteger x) {
        return x.pow(3).add(A.multiply(x.pow(2))).add(x).mod(P);
    }

    private static BigInteger inv0(BigInteger x) {
        return x.modPow(P.subtract(BigInteger.TWO), P);
    }

    private static boolean isSquare(BigInteger x) {
        return !x.modPow(P.subtract(BigInteger.ONE).shiftRight(1), P).equals(P.subtract(BigInteger.ONE));
    }

    private static BigInteger fromLittleEndian(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return new BigInteger(1, be);
    }

    private static byte[] toLittleEndian(BigInteger x) {
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = x.shiftRight(8 * i).byteValue();
        }
        return out;
    }
}
