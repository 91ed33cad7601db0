package im.sotto.protocol.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.VectorFile;
import org.junit.jupiter.api.Test;

/**
 * Known answers for revocation statements, the published list and a device label (docs/protocol.md 7.7, 7.8) in
 * docs/vectors/revocation-v1.json. Ed25519 is deterministic, so the statements follow from the seed alone.
 * Regenerate with {@code -Dsotto.regenerateVectors=true}.
 */
class RevocationVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void statementsAndTheListMatchTheKnownAnswers() throws Exception {
        AccountIdentity account = AccountIdentity.generate(new DeterministicRandom("revoking account"));
        ObjectNode root = VectorFile.json().createObjectNode();
        root.put("description", "Sotto v1 device revocation statements and revocation list (Ed25519 over "
                + "\"Sotto v1 device revocation\" || account public key || statement up to the signature), and a "
                + "device label (\"Sotto v1 device label\"); the account seed comes from "
                + "DeterministicRandom(\"revoking account\")");
        root.put("account_seed", HEX.formatHex(account.seed().reveal()));
        root.put("account_public_key", HEX.formatHex(account.publicKey().bytes()));
        ArrayNode list = root.putArray("vectors");
        RevocationList published = RevocationList.empty();
        long[][] cases = {{1234, 1796630400L}, {2147483647L, 1796634000L}};
        for (long[] c : cases) {
            DeviceRevocation statement = DeviceRevocation.sign(account, c[0], Instant.ofEpochSecond(c[1]));
            statement.verify(account.publicKey());
            ObjectNode v = list.addObject();
            v.put("name", "device " + c[0]);
            v.put("device_id", Math.toIntExact(c[0]));   // ints, as the JSON reader reads them back
            v.put("revoked_at", Math.toIntExact(c[1]));
            v.put("signed_bytes", HEX.formatHex(DeviceRevocation.signed(account.publicKey(),
                    java.util.Arrays.copyOf(statement.encoded(), 13))));
            v.put("statement", HEX.formatHex(statement.encoded()));
            published = published.with(statement);
        }
        root.put("list", HEX.formatHex(published.encode()));
        DeviceLabel label = DeviceLabel.sign(account, 1234, Instant.ofEpochSecond(1796630000L), "laptop");
        label.verify(account.publicKey());
        ObjectNode v = list.addObject();
        v.put("name", "label of device 1234");
        v.put("device_id", 1234);
        v.put("since", 1796630000);
        v.put("label", "laptop");
        v.put("statement", HEX.formatHex(label.encoded()));
        root.put("label_list", HEX.formatHex(DeviceLabels.empty().with(label).encode()));
        assertEquals(3, VectorFile.check("revocation-v1.json", root));
    }
}
