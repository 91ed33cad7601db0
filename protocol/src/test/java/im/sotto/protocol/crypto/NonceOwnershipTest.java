package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A caller-chosen nonce exists only where a protocol fixes it. Scans the main sources of every module for places
 * that construct a {@link DeterministicNonceAead}: a new user must be added here, with the reason its nonce cannot repeat.
 */
class NonceOwnershipTest {
    private static final Set<String> PROTOCOL_NONCES = Set.of(
            // Noise section 5.1: the CipherState's own 64-bit counter.
            "protocol/src/main/java/im/sotto/protocol/noise/CipherState.java",
            // Double Ratchet payloads: key and nonce derived together from a message key used for one message.
            "protocol/src/main/java/im/sotto/protocol/ratchet/Encryptor.java",
            "protocol/src/main/java/im/sotto/protocol/ratchet/Decryptor.java",
            // The cost benchmark measures the counter-nonce seal the Noise transport performs.
            "bench/src/main/java/im/sotto/bench/sidebyside/SottoCostBenchmark.java");

    @Test
    void onlyProtocolsWithTheirOwnNonceUseTheDeterministicAead() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(root.resolve("protocol/src/main/java")), "run from the protocol module");
        Set<String> users = new TreeSet<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.toList()) {
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    users.addAll(usersIn(root, main));
                }
            }
        }
        assertEquals(new TreeSet<>(PROTOCOL_NONCES), users);
    }

    private static List<String> usersIn(Path root, Path main) throws IOException {
        try (Stream<Path> files = Files.walk(main)) {
            return files.filter(p -> p.toString().endsWith(".java")).filter(NonceOwnershipTest::mentions)
                    .map(p -> root.relativize(p).toString().replace('\\', '/')).toList();
        }
    }

    private static boolean mentions(Path file) {
        try {
            return Files.readString(file).contains("new DeterministicNonceAead(");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
