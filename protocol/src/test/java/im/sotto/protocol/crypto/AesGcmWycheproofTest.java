package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * AES-GCM against Wycheproof, with 128-, 192- and 256-bit keys through the same code path the protocol uses with
 * 256-bit keys. The 119 cases with a nonce other than 96 bits must be refused, since the API supports only 96.
 */
class AesGcmWycheproofTest {
    private static final int NONCE_96_VALID = 116;
    private static final int NONCE_96_INVALID = 81;
    private static final int OTHER_NONCE_SIZES = 119; // 316 cases minus the 197 with a 96-bit IV

    @Test
    void wycheproofVectors() {
        JsonNode file = WycheproofVectors.load("aes_gcm_test.json");
        WycheproofTally tally = new WycheproofTally("aes_gcm");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            WycheproofAead.check(AeadAlgorithm.AES_256_GCM, c, tally);
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
        assertEquals(NONCE_96_VALID, tally.count(WycheproofAead.VALID));
        assertEquals(NONCE_96_INVALID, tally.count(WycheproofAead.INVALID));
        assertEquals(OTHER_NONCE_SIZES, tally.count(WycheproofAead.OTHER_NONCE));
    }
}
