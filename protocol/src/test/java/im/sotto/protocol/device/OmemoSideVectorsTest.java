package im.sotto.protocol.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.VectorFile;
import org.junit.jupiter.api.Test;

/**
 * Known answers for OMEMO side statements and their published list (docs/protocol.md 10.13) in
 * docs/vectors/omemo-side-v1.json. Ed25519 is deterministic, so the statements follow from the seed alone.
 * Regenerate with {@code -Dsotto.regenerateVectors=true}.
 */
class OmemoSideVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void statementsAndTheListMatchTheKnownAnswers() throws Exception {
        AccountIdentity account = AccountIdentity.generate(new DeterministicRandom("omemo side account"));
        ObjectNode root = VectorFile.json().createObjectNode();
        root.put("description", "Sotto v1 OMEMO side statements (Ed25519 over \"Sotto v1 OMEMO side\" || account "
                + "public key || statement up to the signature) and their list; the account seed comes from "
                + "DeterministicRandom(\"omemo side account\")");
        root.put("account_seed", HEX.formatHex(account.seed().reveal()));
        root.put("account_public_key", HEX.formatHex(account.publicKey().bytes()));
        ArrayNode list = root.putArray("vectors");
        OmemoSides published = OmemoSides.empty();
        long[][] cases = {{1234, 56789, 98765}, {2147483647L, 0, 7}};
        for (long[] c : cases) {
            OmemoSide statement = OmemoSide.sign(account, c[0], c[1], c[2]);
            statement.verify(account.publicKey());
            ObjectNode v = list.addObject();
            v.put("name", "device " + c[0]);
            v.put("device_id", Math.toIntExact(c[0]));   // ints, as the JSON reader reads them back
            v.put("omemo03_device_id", Math.toIntExact(c[1]));
            v.put("omemo2_device_id", Math.toIntExact(c[2]));
            v.put("statement", HEX.formatHex(statement.encoded()));
            published = published.with(statement);
        }
        root.put("list", HEX.formatHex(published.encode()));
        assertEquals(2, VectorFile.check("omemo-side-v1.json", root));
    }
}
