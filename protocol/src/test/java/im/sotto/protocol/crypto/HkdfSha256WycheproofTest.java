package im.sotto.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against Wycheproof; the invalid cases ask for more than 255 blocks and must be refused. */
class HkdfSha256WycheproofTest {

    @Test
    void wycheproofVectors() {
        JsonNode file = WycheproofVectors.load("hkdf_sha256_test.json");
        WycheproofTally tally = new WycheproofTally("hkdf_sha256");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            int size = c.test.get("size").asInt();
            SecretBytes ikm = SecretBytes.copyOf(c.bytes("ikm"));
            SecretBytes okm;
            try {
                okm = Hkdf.derive(HashAlgorithm.SHA256, c.bytes("salt"), ikm, c.bytes("info"), size);
            } catch (IllegalArgumentException e) {
                if (c.result().equals("invalid")) {
                    tally.pass(c, "invalid rejected");
                } else {
                    tally.fail(c, "refused: " + e.getMessage());
                }
                continue;
            }
            if (c.result().equals("invalid")) {
                tally.fail(c, "invalid output size accepted");
            } else if (Arrays.equals(c.bytes("okm"), okm.reveal())) {
                tally.pass(c, "valid passed");
            } else {
                tally.fail(c, "wrong output");
            }
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
    }
}
