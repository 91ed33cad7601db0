package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * X25519 against Wycheproof. The file has only "valid" and "acceptable" cases. Sotto's policy decides the
 * acceptable ones: an all-zero shared secret (low-order peer key) must be rejected; every other acceptable case
 * (twist points, non-canonical encodings) must give the expected secret, as RFC 7748 requires.
 */
class X25519WycheproofTest {
    private static final int LOW_ORDER_CASES = 31; // cases whose expected shared secret is all zero

    @Test
    void wycheproofVectors() {
        JsonNode file = WycheproofVectors.load("x25519_test.json");
        WycheproofTally tally = new WycheproofTally("x25519");
        for (WycheproofVectors.Case c : WycheproofVectors.cases(file)) {
            check(c, tally);
        }
        tally.assertAllPassed(WycheproofVectors.numberOfTests(file));
        assertEquals(LOW_ORDER_CASES, tally.count("acceptable zero-shared rejected"));
    }

    private static void check(WycheproofVectors.Case c, WycheproofTally tally) {
        byte[] expected = c.bytes("shared");
        boolean zeroShared = ConstantTime.isAllZero(expected);
        String result = c.result();
        SecretBytes shared;
        try {
            shared = X25519.agree(SecretBytes.copyOf(c.bytes("private")), c.bytes("public"));
        } catch (InvalidPublicKeyException e) {
            if (result.equals("acceptable") && zeroShared) {
                tally.pass(c, "acceptable zero-shared rejected");
            } else if (result.equals("invalid")) {
                tally.pass(c, "invalid rejected");
            } else {
                tally.fail(c, "rejected: " + e.getMessage());
            }
            return;
        }
        if (result.equals("invalid")) {
            tally.fail(c, "invalid case accepted");
        } else if (zeroShared) {
            tally.fail(c, "all-zero shared secret was not rejected");
        } else if (!Arrays.equals(expected, shared.reveal())) {
            tally.fail(c, "wrong shared secret");
        } else {
            tally.pass(c, result.equals("valid") ? "valid passed" : "acceptable agreed");
        }
    }
}
