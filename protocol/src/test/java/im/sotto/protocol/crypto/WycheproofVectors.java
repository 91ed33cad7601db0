package im.sotto.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads Wycheproof files from the shared vector folder at run time; the vectors are never copied into the
 * repository. A missing folder fails the test rather than skipping it, so a misconfigured run cannot pass empty.
 */
final class WycheproofVectors {
    private WycheproofVectors() {}

    /** The parsed file {@code wycheproof/<fileName>} under the shared vectors folder. */
    static JsonNode load(String fileName) {
        Path file = vectorsDir().resolve("wycheproof").resolve(fileName);
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

    /**
     * The surefire property {@code sotto.vectors.dir} first; then {@code ../shared/vectors} beside the repository
     * root, which rescues runs started inside a module (where Maven computes the property from the module folder).
     */
    static Path vectorsDir() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("sotto.vectors.dir");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Paths.get(configured));
        }
        candidates.add(repositoryRoot().resolve("../shared/vectors"));
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate.resolve("wycheproof"))) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("shared test vectors not found; looked in " + candidates);
    }

    /** The top of the chain of folders holding a pom.xml, starting from the working directory: the Maven root. */
    private static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir.getParent() != null && Files.exists(dir.getParent().resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        return dir;
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
