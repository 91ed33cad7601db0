package im.sotto.protocol.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;

/** Finds the shared vectors (never copied into the repository) and Sotto's own vectors under docs/. */
public final class Vectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {}

    /** {@code ../shared/vectors} beside the repository, or the path in system property sotto.vectors.dir. */
    public static Path sharedDir() {
        return existing(System.getProperty("sotto.vectors.dir"), "../../shared/vectors", "../shared/vectors");
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

    public static JsonNode shared(String relative) {
        return readJson(sharedDir().resolve(relative));
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
