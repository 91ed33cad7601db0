package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.junit.jupiter.api.Test;

/**
 * ML-KEM-768 against the four Wycheproof files. Every valid case must give exactly the file's outputs through the
 * production API; every invalid case must be rejected with the typed error for its kind (seed or decapsulation
 * key: {@link IllegalArgumentException}, the caller's own key; encapsulation key: {@link InvalidPublicKeyException};
 * ciphertext length: {@link InvalidCiphertextException}). Encapsulation takes its m from a {@link SecureRandom}
 * that returns the vector's m once, so the vectors run through the same path as production.
 */
class MlKem768WycheproofTest {
    private static final int SEED_INVALID = 20; // "Private key too short/long" in mlkem_768_test.json
    private static final int CIPHERTEXT_INVALID = 20; // "Ciphertext too short/long" in mlkem_768_test.json
    private static final int MODULUS_INVALID = 112; // ModulusOverflow + "Public key not reduced"

    @Test
    void keyGenerationFromSeed() {
        JsonNode file = WycheproofVectors.load("mlkem_768_keygen_seed_test.json");
        WycheproofTally tally = new WycheproofTally("mlkem_768_keygen_seed");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            byte[] seed = c.bytes("seed");
            MlKemKeyPair fromSeed = MlKemKeyPair.fromSeed(SecretBytes.copyOf(seed));
            MlKemKeyPair generated = MlKem768.generateKeyPair(new FixedRandom(seed));
            if (!c.result().equals("valid")) {
                tally.fail(c, "unexpected result kind " + c.result());
            } else if (!Arrays.equals(c.bytes("ek"), fromSeed.encapsulationKey().toBytes())) {
                tally.fail(c, "wrong encapsulation key");
            } else if (!Arrays.equals(c.bytes("dk"), fromSeed.decapsulationKey().reveal())) {
                tally.fail(c, "wrong decapsulation key");
            } else if (!generated.equals(fromSeed)
                    || !generated.encapsulationKey().equals(fromSeed.encapsulationKey())) {
                tally.fail(c, "generateKeyPair does not draw the seed d || z from its random source");
            } else {
                tally.pass(c, "valid passed");
            }
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
    }

    @Test
    void seedThenDecapsulation() {
        JsonNode file = WycheproofVectors.load("mlkem_768_test.json");
        WycheproofTally tally = new WycheproofTally("mlkem_768");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            checkSeedThenDecapsulation(c, tally);
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
        assertEquals(SEED_INVALID, tally.count("invalid seed rejected"));
        assertEquals(CIPHERTEXT_INVALID, tally.count("invalid ciphertext rejected"));
    }

    private static void checkSeedThenDecapsulation(WycheproofVectors.Case c, WycheproofTally tally) {
        boolean valid = c.result().equals("valid");
        MlKemKeyPair pair;
        try {
            pair = MlKemKeyPair.fromSeed(SecretBytes.copyOf(c.bytes("seed")));
        } catch (IllegalArgumentException e) {
            if (valid) {
                tally.fail(c, "seed rejected: " + e.getMessage());
            } else {
                tally.pass(c, "invalid seed rejected");
            }
            return;
        }
        if (c.test.has("ek") && !Arrays.equals(c.bytes("ek"), pair.encapsulationKey().toBytes())) {
            tally.fail(c, "wrong encapsulation key");
            return;
        }
        SecretBytes shared;
        try {
            shared = pair.decapsulate(c.bytes("c"));
        } catch (InvalidCiphertextException e) {
            if (valid) {
                tally.fail(c, "ciphertext rejected: " + e.getMessage());
            } else {
                tally.pass(c, "invalid ciphertext rejected");
            }
            return;
        }
        if (!valid) {
            tally.fail(c, "invalid case accepted");
        } else if (!Arrays.equals(c.bytes("K"), shared.reveal())) {
            tally.fail(c, "wrong shared secret");
        } else if (Arrays.equals(shared.reveal(), implicitRejectionKey(c.bytes("seed"), c.bytes("c")))) {
            tally.pass(c, "valid implicit rejection");
        } else {
            tally.pass(c, "valid decapsulated");
        }
    }

    @Test
    void encapsulation() {
        JsonNode file = WycheproofVectors.load("mlkem_768_encaps_test.json");
        WycheproofTally tally = new WycheproofTally("mlkem_768_encaps");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            boolean valid = c.result().equals("valid");
            MlKemEncapsulationKey key;
            try {
                key = MlKemEncapsulationKey.fromBytes(c.bytes("ek"));
            } catch (InvalidPublicKeyException e) {
                if (valid) {
                    tally.fail(c, "key rejected: " + e.getMessage());
                } else {
                    tally.pass(c, c.bytes("ek").length == MlKem768.ENCAPSULATION_KEY_LENGTH
                            ? "invalid modulus rejected" : "invalid length rejected");
                }
                continue;
            }
            MlKemEncapsulation e = MlKem768.encapsulate(key, new FixedRandom(c.bytes("m")));
            if (!valid) {
                tally.fail(c, "invalid key accepted");
            } else if (!Arrays.equals(c.bytes("c"), e.ciphertext())) {
                tally.fail(c, "wrong ciphertext");
            } else if (!Arrays.equals(c.bytes("K"), e.sharedSecret().reveal())) {
                tally.fail(c, "wrong shared secret");
            } else {
                tally.pass(c, "valid passed");
            }
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
        assertEquals(MODULUS_INVALID, tally.count("invalid modulus rejected"));
    }

    @Test
    void decapsulationWithExpandedKey() {
        JsonNode file = WycheproofVectors.load("mlkem_768_semi_expanded_decaps_test.json");
        WycheproofTally tally = new WycheproofTally("mlkem_768_semi_expanded_decaps");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            boolean valid = c.result().equals("valid");
            SecretBytes shared;
            try {
                shared = MlKem768.decapsulate(SecretBytes.copyOf(c.bytes("dk")), c.bytes("c"));
            } catch (IllegalArgumentException | InvalidCiphertextException e) {
                if (valid) {
                    tally.fail(c, "rejected: " + e.getMessage());
                } else {
                    tally.pass(c, e instanceof InvalidCiphertextException ? "invalid ciphertext rejected"
                            : "invalid decapsulation key rejected");
                }
                continue;
            }
            if (!valid) {
                tally.fail(c, "invalid case accepted");
            } else if (!Arrays.equals(c.bytes("K"), shared.reveal())) {
                tally.fail(c, "wrong shared secret");
            } else if (!Arrays.equals(c.bytes("ek"), embeddedEncapsulationKey(c.bytes("dk")))) {
                tally.fail(c, "the vector's ek is not the one inside its dk");
            } else {
                tally.pass(c, "valid passed");
            }
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
        assertEquals(2, tally.count("invalid ciphertext rejected"));
        assertEquals(4, tally.count("invalid decapsulation key rejected"));
    }

    /** FIPS 203 algorithm 18 step 7: K-bar = J(z || c) = SHAKE256(z || c, 32 bytes), z the seed's second half. */
    private static byte[] implicitRejectionKey(byte[] seed, byte[] ciphertext) {
        SHAKEDigest shake = new SHAKEDigest(256);
        shake.update(seed, 32, 32);
        shake.update(ciphertext, 0, ciphertext.length);
        byte[] out = new byte[32];
        shake.doFinal(out, 0, out.length);
        return out;
    }

    /** dk = dk_PKE (1,152 bytes) || ek (1,184) || H(ek) (32) || z (32), FIPS 203 algorithm 16. */
    private static byte[] embeddedEncapsulationKey(byte[] dk) {
        return Arrays.copyOfRange(dk, 1152, 1152 + MlKem768.ENCAPSULATION_KEY_LENGTH);
    }

    /** Hands out one fixed byte string, in one request of exactly its length; any other use fails the test. */
    private static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private byte[] remaining;

        FixedRandom(byte[] bytes) {
            this.remaining = bytes.clone();
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            if (remaining == null || bytes.length != remaining.length) {
                throw new IllegalStateException("fixed random asked for " + bytes.length + " bytes");
            }
            System.arraycopy(remaining, 0, bytes, 0, bytes.length);
            remaining = null;
        }
    }
}
