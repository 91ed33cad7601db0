package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** ChaCha20-Poly1305 (RFC 8439) against Wycheproof; the nine cases with a bad nonce size must be refused. */
class ChaCha20Poly1305WycheproofTest {
    private static final int VALID = 256;
    private static final int INVALID_TAG = 60;
    private static final int BAD_NONCE_SIZES = 9;

    @Test
    void wycheproofVectors() {
        JsonNode file = WycheproofVectors.load("chacha20_poly1305_test.json");
        WycheproofTally tally = new WycheproofTally("chacha20_poly1305");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            WycheproofAead.check(AeadAlgorithm.CHACHA20_POLY1305, c, tally);
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
        assertEquals(VALID, tally.count(WycheproofAead.VALID));
        assertEquals(INVALID_TAG, tally.count(WycheproofAead.INVALID));
        assertEquals(BAD_NONCE_SIZES, tally.count(WycheproofAead.OTHER_NONCE));
    }
}
