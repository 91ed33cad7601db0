package im.sotto.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Ed25519 verification against Wycheproof: malleable, non-canonical and truncated signatures must all fail. */
class Ed25519WycheproofTest {

    @Test
    void wycheproofVectors() {
        JsonNode file = WycheproofVectors.load("ed25519_test.json");
        WycheproofTally tally = new WycheproofTally("ed25519");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            byte[] publicKey = HexFormat.of().parseHex(c.group.get("publicKey").get("pk").asText());
            boolean verified = Ed25519.verify(publicKey, c.bytes("msg"), c.bytes("sig"));
            String result = c.result();
            if (result.equals("valid") && verified) {
                tally.pass(c, "valid passed");
            } else if (result.equals("invalid") && !verified) {
                tally.pass(c, "invalid rejected");
            } else {
                tally.fail(c, verified ? "signature accepted" : "signature rejected");
            }
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
    }
}
