package im.sotto.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One of Sotto's own known-answer files in docs/vectors/: compared, vector by vector, with what its generator makes
 * now, or rewritten from it with {@code -Dsotto.regenerateVectors=true} (only after an intended change, said so in
 * the commit). A file whose vectors differ from the generator's in number or in any value fails.
 */
public final class VectorFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VectorFile() {}

    public static ObjectMapper json() {
        return JSON;
    }

    /** Checks (or regenerates) {@code docs/vectors/<name>} against {@code generated}; returns the vectors checked. */
    public static int check(String name, ObjectNode generated) throws IOException {
        Path file = Vectors.docsDir().resolve("vectors").resolve(name);
        if (Boolean.getBoolean("sotto.regenerateVectors")) {
            Files.writeString(file, JSON.writeValueAsString(generated) + "\n");
        }
        assertTrue(Files.exists(file), "missing " + file + " (regenerate with -Dsotto.regenerateVectors=true)");
        JsonNode stored = Vectors.readJson(file);
        JsonNode expected = generated.get("vectors");
        assertEquals(expected.size(), stored.get("vectors").size(), "number of vectors in " + name);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(stored.get("vectors").get(i), expected.get(i),
                    name + ": vector " + stored.get("vectors").get(i).get("name"));
        }
        assertEquals(stored, generated, name + ": the file is not what the generator produces");
        return expected.size();
    }
}
