package im.sotto.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * HMAC-SHA256 against Wycheproof. Tags are truncated to the group's tagSize; a valid tag must both be computed
 * (hmac, truncated) and verify, and every modified tag must fail verification.
 */
class HmacSha256WycheproofTest {

    @Test
    void wycheproofVectors() {
        JsonNode file = WycheproofVectors.load("hmac_sha256_test.json");
        WycheproofTally tally = new WycheproofTally("hmac_sha256");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            SecretBytes key = SecretBytes.copyOf(c.bytes("key"));
            byte[] msg = c.bytes("msg");
            byte[] tag = c.bytes("tag");
            int tagLength = c.groupInt("tagSize") / 8;
            boolean verified = HashAlgorithm.SHA256.verifyHmac(key, tag, msg);
            if (c.result().equals("invalid")) {
                if (verified) {
                    tally.fail(c, "modified tag verified");
                } else {
                    tally.pass(c, "invalid rejected");
                }
            } else if (!verified) {
                tally.fail(c, "valid tag did not verify");
            } else if (!Arrays.equals(tag, Arrays.copyOf(HashAlgorithm.SHA256.hmac(key, msg), tagLength))) {
                tally.fail(c, "computed tag differs");
            } else {
                tally.pass(c, "valid passed");
            }
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
    }
}
