package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The binding is a Smack adapter over the core's session layer ({@code im.sotto.protocol.session}): it must not
 * reach into the core's internals, the ratchet, Noise, the handshakes, the offline start and the byte codec
 * (issue 17). Scans the import lines of every source file under {@code src/main}, with no dependency added.
 *
 * <p>Stage 1 of issue 17 moved the stored records, trust access, loss reports and certification outcomes into the
 * core; stage 2 moved the reveal policy, external trust, known-peer answers and the account's prekey state into
 * {@code session}, Continuity into the core's {@code trust}, and gave the public API its own SequenceRange. The
 * packages below are not yet clean, and only the handshake and session cipher files still import them (the next
 * stage's work, as {@link #NOT_YET_CLEAN} records; the list may only shrink):
 * <ul>
 * <li>{@code handshake}: OnlineHandshakes, HandshakeCommit (the handshake's result, retained secrets, the IK
 * answer); they move with a core {@code Handshakes} returning a sealed outcome (starting one already fails with the
 * core's typed {@code HandshakeFailedException});</li>
 * <li>{@code ratchet}: OnlineHandshakes, HandshakeCommit, SessionCrypto (RatchetSession; into the core's
 * SessionCipher);</li>
 * <li>{@code offline}: SessionCrypto, SessionReceiver (first messages and replies; into SessionCipher);</li>
 * <li>{@code wire}: SessionCrypto (MalformedInputException of the pending confirmation).</li>
 * </ul>
 * {@code noise} is clean and must stay so.
 */
class ArchitectureTest {
    /** The core's internal packages the binding must not import. */
    private static final Pattern FORBIDDEN =
            Pattern.compile("^import\\s+(?:static\\s+)?im\\.sotto\\.protocol\\.(ratchet|noise|handshake|offline|wire)\\.",
                    Pattern.MULTILINE);

    /** Packages no file of the binding imports any more. */
    private static final Set<String> CLEAN = Set.of("noise");

    /** Files (relative to {@code src/main/java/im/sotto/xmpp}) that still import a forbidden package, and which. */
    private static final Map<String, Set<String>> NOT_YET_CLEAN = Map.ofEntries(
            Map.entry("HandshakeCommit.java", Set.of("handshake", "ratchet")),
            Map.entry("OnlineHandshakes.java", Set.of("handshake", "ratchet")),
            Map.entry("SessionCrypto.java", Set.of("offline", "ratchet", "wire")),
            Map.entry("SessionReceiver.java", Set.of("offline")));

    private static final Path SOURCES = Path.of("src", "main", "java", "im", "sotto", "xmpp");

    /** Every source file of the binding and the forbidden packages it imports (files importing none left out). */
    private static Map<String, Set<String>> forbiddenImports() throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 20, "the binding's sources were found: " + files.size() + " under " + SOURCES);
        for (Path file : files) {
            Matcher m = FORBIDDEN.matcher(Files.readString(file));
            Set<String> packages = new TreeSet<>();
            while (m.find()) {
                packages.add(m.group(1));
            }
            if (!packages.isEmpty()) {
                found.put(SOURCES.relativize(file).toString().replace('\\', '/'), packages);
            }
        }
        return found;
    }

    @Test
    void cleanedPackagesAreImportedNowhere() throws IOException {
        Map<String, Set<String>> offenders = new TreeMap<>();
        forbiddenImports().forEach((file, packages) -> packages.stream().filter(CLEAN::contains)
                .forEach(p -> offenders.computeIfAbsent(file, f -> new TreeSet<>()).add(p)));
        assertEquals(Map.of(), offenders, "the binding imports a core internal package it no longer needs");
    }

    /** The remaining offenders only shrink: a new file or a new package imported fails, a cleaned one must go. */
    @Test
    void noFileImportsMoreInternalsThanBeforeStageOne() throws IOException {
        Map<String, Set<String>> expected = new TreeMap<>();
        NOT_YET_CLEAN.forEach((file, packages) -> expected.put(file, new TreeSet<>(packages)));
        assertEquals(expected, forbiddenImports(), "update NOT_YET_CLEAN only by removing what was cleaned");
    }

    /**
     * Protocol bytes the binding must not read itself (issue 17): a frame-type constant copied from the core's enums,
     * a byte read out of a payload, a failure told apart by its text, a stored record told apart by an ASCII prefix.
     * The core answers each question with a method or a type instead.
     */
    private static final Map<String, Pattern> PROTOCOL_BYTES = Map.of(
            "frame-type constant", Pattern.compile("=\\s*0x(1[0-6]|2[0-1])\\s*;"),
            "payload byte read", Pattern.compile("payload\\["),
            // A failure, reason or detail sorted by its prefix: once outcomes are types there is no such text. (A
            // message body may be tested by prefix: OTR marks its messages with "?OTR" in the body, by definition.)
            "failure told by its text", Pattern.compile("(?i)(failure|reason|detail|diagnosis|problem)[\\w().]*"
                    + "\\.startsWith\\("),
            "record prefix", Pattern.compile("v\\d+\\\\n\""));

    /** Files that still read protocol bytes: none; the list may only shrink. */
    private static final Map<String, Set<String>> STILL_READS_BYTES = Map.of();

    @Test
    void noProtocolBytesAreReadInTheBinding() throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                PROTOCOL_BYTES.forEach((what, pattern) -> {
                    if (pattern.matcher(text).find()) {
                        found.computeIfAbsent(SOURCES.relativize(file).toString().replace('\\', '/'),
                                f -> new TreeSet<>()).add(what);
                    }
                });
            }
        }
        Map<String, Set<String>> expected = new TreeMap<>();
        STILL_READS_BYTES.forEach((file, what) -> expected.put(file, new TreeSet<>(what)));
        assertEquals(expected, found, "the binding reads protocol bytes the core should interpret");
    }

    @Test
    void theByteScanSeesEachPattern() {
        assertTrue(PROTOCOL_BYTES.get("frame-type constant").matcher("private static final int INIT = 0x10;").find());
        assertTrue(PROTOCOL_BYTES.get("frame-type constant").matcher("static final int TYPE_FIRST_REPLY = 0x21;")
                .find());
        assertTrue(PROTOCOL_BYTES.get("payload byte read").matcher("int type = payload[1] & 0xff;").find());
        assertTrue(PROTOCOL_BYTES.get("failure told by its text")
                .matcher("step.failure().get().startsWith(\"STALE\")").find());
        assertTrue(PROTOCOL_BYTES.get("failure told by its text").matcher("failure.startsWith(DUPLICATE)").find());
        assertTrue(PROTOCOL_BYTES.get("failure told by its text").matcher("e.getReason().startsWith(\"STALE\")")
                .find());
        assertTrue(!PROTOCOL_BYTES.get("failure told by its text").matcher("body.startsWith(OTR_PREFIX)").find());
        assertTrue(PROTOCOL_BYTES.get("record prefix").matcher("\"sotto-manager stanza v1\\n\"").find());
        assertTrue(!PROTOCOL_BYTES.get("record prefix").matcher("\"a line\\n\"").find());
    }

    @Test
    void theScanSeesAForbiddenImport() {
        assertTrue(FORBIDDEN.matcher("package x;\n\nimport im.sotto.protocol.noise.NoiseState;\n").find());
        assertTrue(FORBIDDEN.matcher("import static im.sotto.protocol.wire.ByteWriter.u8;\n").find());
        assertTrue(!FORBIDDEN.matcher("import im.sotto.protocol.session.SessionRecord;\n").find());
        assertTrue(!FORBIDDEN.matcher("import im.sotto.protocol.wireless.X;\n").find());
    }
}
