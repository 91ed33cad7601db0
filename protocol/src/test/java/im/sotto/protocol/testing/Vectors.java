package im.sotto.protocol.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;

/**
 * Finds the published third-party vectors (test resources under {@code published-vectors/}, each set with its SOURCE
 * note) and Sotto's own vectors under docs/.
 */
public final class Vectors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Test-resource folder holding Wycheproof, the Noise vector files and the CPace draft's vectors. */
    private static final String PUBLISHED = "published-vectors";

    private Vectors() {}

    /**
     * The folder of published vectors on the test class path. A missing folder fails the test rather than skipping
     * it, so a broken build cannot pass empty.
     */
    public static Path publishedDir() {
        URL marker = Vectors.class.getResource("/" + PUBLISHED + "/README.md");
        if (marker == null) {
            throw new IllegalStateException("published vectors not on the test class path: " + PUBLISHED + "/");
        }
        try {
            return Paths.get(marker.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("published vectors not in a folder: " + marker, e);
        }
    }

    /** The repository's docs/ folder, or the path in system property sotto.docs.dir. */
    public static Path docsDir() {
        return existing(System.getProperty("sotto.docs.dir"), "../docs", "docs");
    }

    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vectors " + file, e);
        }
    }

    public static JsonNode published(String relative) {
        return readJson(publishedDir().resolve(relative));
    }

    public static byte[] hex(JsonNode node) {
        return HexFormat.of().parseHex(node.asText());
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static Path existing(String configured, String... fallbacks) {
        if (configured != null && Files.isDirectory(Paths.get(configured))) {
            return Paths.get(configured);
        }
        for (String f : fallbacks) {
            if (Files.isDirectory(Paths.get(f))) {
                return Paths.get(f);
            }
        }
        throw new IllegalStateException("vector directory not found (configured: " + configured + ")");
    }
}
