package im.sotto.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import im.sotto.protocol.testing.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the Wycheproof files kept as test resources ({@code published-vectors/wycheproof/}, with their SOURCE note).
 * A missing file fails the test rather than skipping it, so a misconfigured run cannot pass empty.
 */
final class WycheproofVectors {
    private WycheproofVectors() {}

    /** The parsed file {@code wycheproof/<fileName>} among the published vectors. */
    static JsonNode load(String fileName) {
        Path file = Vectors.publishedDir().resolve("wycheproof").resolve(fileName);
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Wycheproof file " + file, e);
        }
    }

    /** The file's own count of its cases, against which the number actually executed is checked. */
    static int numberOfTests(JsonNode file) {
        JsonNode n = file.get("numberOfTests");
        if (n == null || !n.isInt() || n.asInt() <= 0) {
            throw new IllegalStateException("numberOfTests missing from the Wycheproof file");
        }
        return n.asInt();
    }

    /** Every test case of the file, each paired with its group (which holds key, IV and tag sizes). */
    static List<Case> cases(JsonNode file) {
        List<Case> all = new ArrayList<>();
        for (JsonNode group : file.get("testGroups")) {
            for (JsonNode test : group.get("tests")) {
                all.add(new Case(group, test));
            }
        }
        return all;
    }

    /** One test case with its group. */
    static final class Case {
        final JsonNode group;
        final JsonNode test;

        Case(JsonNode group, JsonNode test) {
            this.group = group;
            this.test = test;
        }

        int tcId() {
            return test.get("tcId").asInt();
        }

        String result() {
            return test.get("result").asText();
        }

        byte[] bytes(String field) {
            return HexFormat.of().parseHex(text(test, field));
        }

        int groupInt(String field) {
            JsonNode value = group.get(field);
            if (value == null || !value.isInt()) {
                throw new IllegalStateException("group field missing or not a number: " + field);
            }
            return value.asInt();
        }

        String describe() {
            return "tcId " + tcId() + " (" + test.get("comment").asText() + ", " + result() + ")";
        }

        // Strict: a missing field is a broken vector file, not an empty value.
        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            if (value == null || !value.isTextual()) {
                throw new IllegalStateException("field missing or not text: " + field);
            }
            return value.asText();
        }
    }
}
