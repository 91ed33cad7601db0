package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scans every byte of every file under a directory (a Sotto home: stores, their write-ahead logs, settings, whatever
 * else is there) for a text in the clear, as UTF-8, so that a test can show that who the user talks to is nowhere
 * on disk unencrypted.
 */
final class NoCleartext {
    private NoCleartext() {
    }

    /** Fails naming each file under {@code home} that holds {@code text}; checks that some files were scanned. */
    static void assertAbsent(Path home, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> scanned = new ArrayList<>();
        List<Path> holding = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                scanned.add(file);
                if (contains(Files.readAllBytes(file), needle)) {
                    holding.add(file);
                }
            }
        }
        assertTrue(scanned.stream().anyMatch(f -> f.getFileName().toString().endsWith(".db")),
                "the scan must see the store: " + scanned);
        assertEquals(List.of(), holding, text + " in the clear");
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
