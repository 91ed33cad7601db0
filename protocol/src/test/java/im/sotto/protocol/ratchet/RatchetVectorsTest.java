package im.sotto.protocol.ratchet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks docs/vectors/ratchet-v1.json: from each vector's inputs alone, every message comes out byte for byte and
 * decrypts on the other side. Set {@code -Dsotto.regenerateVectors=true} to rewrite the file instead (only after a
 * deliberate protocol change; review the diff).
 */
class RatchetVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void knownAnswerVectors() throws Exception {
        Path file = RatchetVectors.defaultFile();
        if (Boolean.getBoolean("sotto.regenerateVectors")) {
            RatchetVectors.main(new String[] {file.toString()});
        }
        assertTrue(Files.isRegularFile(file), "missing " + file.toAbsolutePath());
        JsonNode root = RatchetVectors.JSON.readTree(file.toFile());
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode v : root.get("vectors")) {
            RatchetVectors.Sessions s = RatchetVectors.sessions(v);
            byte[] ad = HEX.parseHex(v.get("associatedData").asText());
            int index = 0;
            for (JsonNode m : v.get("messages")) {
                String where = v.get("suite").asText() + " message " + index++;
                boolean fromInitiator = m.get("from").asText().equals("initiator");
                byte[] plaintext = HEX.parseHex(m.get("plaintext").asText());
                byte[] actual = (fromInitiator ? s.initiator() : s.responder()).encrypt(plaintext, ad);
                if (!HEX.formatHex(actual).equals(m.get("message").asText())) {
                    failures.add(where + ": ciphertext differs");
                }
                if (m.get("delivered").asBoolean()) {
                    DecryptResult r = (fromInitiator ? s.responder() : s.initiator())
                            .decrypt(HEX.parseHex(m.get("message").asText()), ad);
                    if (!(r instanceof DecryptResult.Decrypted d) || !HEX.formatHex(d.plaintext())
                            .equals(m.get("plaintext").asText())) {
                        failures.add(where + ": did not decrypt: " + r);
                    }
                }
                checked++;
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked > 100, "too few vectors: " + checked);
        assertEquals(RatchetVectors.JSON.readTree(RatchetVectors.JSON.writeValueAsString(RatchetVectors.generate())),
                root, "the file is not what the generator produces");
    }
}
