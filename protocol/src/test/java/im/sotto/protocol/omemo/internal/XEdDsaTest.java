package im.sotto.protocol.omemo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.testing.DeterministicRandom;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class XEdDsaTest {
    private final DeterministicRandom random = new DeterministicRandom("xeddsa test");

    @Test
    void baseMultiplicationMatchesBouncyCastleEd25519() {
        // An Ed25519 public key is clamp(SHA-512(seed)[0..32]) * B; the ladder must give the same encoding.
        for (int i = 0; i < 20; i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            byte[] expected = new byte[32];
            org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, expected, 0);
            byte[] scalar = Arrays.copyOf(HashAlgorithm.SHA512.digest(seed), 32);
            scalar[0] &= (byte) 248;
            scalar[31] &= 127;
            scalar[31] |= 64;
            assertArrayEquals(expected, EdwardsPoint.multiplyBaseEncoded(scalar), "seed " + i);
        }
    }

    @Test
    void montgomeryToEdwardsMapMatchesTheLadder() {
        for (int i = 0; i < 10; i++) {
            X25519KeyPair pair = X25519KeyPair.generate(random);
            byte[] k = pair.privateKey().reveal();
            k[0] &= (byte) 248;
            k[31] &= 127;
            k[31] |= 64;
            byte[] edwards = EdwardsPoint.multiplyBaseEncoded(k);
            edwards[31] &= 0x7f;
            assertArrayEquals(edwards,
                    EdwardsPoint.edwardsYFromMontgomeryU(Scalars.fromLittleEndian(pair.publicKey())));
        }
    }

    @Test
    void signaturesVerifyAndHaveTheTopBitOfSClear() {
        byte[] message = "signed prekey".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 16; i++) {
            X25519KeyPair pair = X25519KeyPair.generate(random);
            byte[] signature = XEdDsa.sign(pair.privateKey(), message, random);
            assertTrue(XEdDsa.verify(pair.publicKey(), message, signature), "key " + i);
            assertTrue((signature[63] & 0x80) == 0, "XEdDSA never sets the sign bit");
        }
    }

    @Test
    void forgeriesAreRejected() {
        X25519KeyPair pair = X25519KeyPair.generate(random);
        X25519KeyPair other = X25519KeyPair.generate(random);
        byte[] message = "message".getBytes(StandardCharsets.UTF_8);
        byte[] signature = XEdDsa.sign(pair.privateKey(), message, random);
        assertFalse(XEdDsa.verify(other.publicKey(), message, signature), "another key");
        assertFalse(XEdDsa.verify(pair.publicKey(), "messagf".getBytes(StandardCharsets.UTF_8), signature));
        for (int bit = 0; bit < 512; bit += 7) {
            byte[] flipped = signature.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(XEdDsa.verify(pair.publicKey(), message, flipped), "bit " + bit);
        }
        byte[] withSignBit = signature.clone();
        withSignBit[63] |= (byte) 0x80;
        assertFalse(XEdDsa.verify(pair.publicKey(), message, withSignBit), "the other Edwards sign");
        assertFalse(XEdDsa.verify(pair.publicKey(), message, Arrays.copyOf(signature, 63)));
        byte[] nonCanonicalU = new byte[32];
        Arrays.fill(nonCanonicalU, (byte) 0xff);
        assertFalse(XEdDsa.verify(nonCanonicalU, message, signature));
        byte[] minusOne = Scalars.toLittleEndian32(EdwardsPoint.P.subtract(BigInteger.ONE));
        assertFalse(XEdDsa.verify(minusOne, message, signature));
    }

    @Test
    void signingWithAnUnclampedKeyEqualsSigningWithTheClampedOne() {
        X25519KeyPair pair = X25519KeyPair.generate(random);
        byte[] clamped = pair.privateKey().reveal();
        clamped[0] &= (byte) 248;
        clamped[31] &= 127;
        clamped[31] |= 64;
        byte[] message = new byte[] {1, 2, 3};
        byte[] a = XEdDsa.sign(pair.privateKey(), message, new DeterministicRandom("same"));
        byte[] b = XEdDsa.sign(SecretBytes.copyOf(clamped), message, new DeterministicRandom("same"));
        assertArrayEquals(a, b);
    }
}
