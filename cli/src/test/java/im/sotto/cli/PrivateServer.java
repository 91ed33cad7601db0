package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The transcript tests' world, as one JUnit extension: a private Prosody for the test class (started before the first
 * test, stopped after the last), a fresh temporary directory for each test where the accounts' homes live, and
 * {@code sotto} run as a separate process with an account's environment. Register it as a static field:
 * {@code @RegisterExtension static final PrivateServer prosody = PrivateServer.plaintext();}
 */
final class PrivateServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** A JVM start, a login and a handshake on a loaded two-core machine. */
    static final long COMMAND_TIMEOUT_SECONDS = 120;
    /** How long each side of {@link #verifyEachOther} waits for the other (its --timeout). */
    static final String VERIFY_TIMEOUT_SECONDS = "40";
    /** How long a {@code sotto verify} may take in all: the wait above, the JVM start, login and handshake. */
    static final long VERIFY_FINISH_SECONDS = 90;

    /** One side of {@link #verifyEachOther}: its environment, the contact (a user name), its answer, more options. */
    record Verifier(Map<String, String> env, String peer, String answer, String... options) {
    }

    private final boolean tls;
    private final boolean debugLog;
    private final boolean ejabberd;
    private boolean carbons;
    private Prosody prosody;
    private Path temp;

    private PrivateServer(boolean tls) {
        this(tls, false);
    }

    private PrivateServer(boolean tls, boolean debugLog) {
        this(tls, debugLog, false);
    }

    private PrivateServer(boolean tls, boolean debugLog, boolean ejabberd) {
        this.tls = tls;
        this.debugLog = debugLog;
        this.ejabberd = ejabberd;
    }

    /** A plaintext ejabberd instead of Prosody (start and stop only), for behaviour that depends on the server. */
    static PrivateServer ejabberd() {
        return new PrivateServer(false, false, true);
    }

    /** A plaintext Prosody, or ejabberd, with message carbons (XEP-0280) on, as their default configurations have. */
    static PrivateServer withCarbons(boolean ejabberd) {
        PrivateServer server = new PrivateServer(false, false, ejabberd);
        server.carbons = true;
        return server;
    }

    /** A plaintext Prosody that logs at debug level (its stream management's hibernations show in {@link #log}). */
    static PrivateServer plaintextLoggingDebug() {
        return new PrivateServer(false, true);
    }

    /** A plaintext Prosody (accounts are added with --insecure-loopback). */
    static PrivateServer plaintext() {
        return new PrivateServer(false);
    }

    /** A Prosody that requires TLS with a self-signed certificate made for this run. */
    static PrivateServer tls() {
        return new PrivateServer(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        prosody = carbons ? Prosody.withCarbons(ejabberd ? "ejabberd" : "prosody")
                : ejabberd ? Prosody.ejabberd() : new Prosody(tls, debugLog);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (prosody != null) {
            prosody.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        temp = Files.createTempDirectory("sotto-cli-it-");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        deleteTree(temp);
    }

    /** The --server value. */
    String server() {
        return prosody.server();
    }

    String domain() {
        return prosody.domain();
    }

    /** Everything Prosody keeps on disk, to check that no plaintext is there. */
    String storedData() throws IOException {
        return prosody.storedData();
    }

    /** Prosody's log so far. */
    String log() throws IOException {
        return prosody.log();
    }

    /** The server's self-signed certificate; only with TLS. */
    Path cert() {
        return prosody.cert();
    }

    /** Stops the server as an administrator would; {@link #restart()} brings it back with its data. */
    void stop() throws Exception {
        prosody.stop();
    }

    /** Starts the server again on the same port with the same data (stopping it first if it still runs). */
    void restart() throws Exception {
        prosody.restart();
    }

    /** This test's own directory (deleted after it). */
    Path temp() {
        return temp;
    }

    String jid(String user) {
        return prosody.jid(user);
    }

    String password(String user) {
        return prosody.password(user);
    }

    /** {@code user}'s environment with its home in {@code temp()/user}. */
    Map<String, String> env(String user) {
        return env(user, user);
    }

    /** {@code user}'s environment with its home in {@code temp()/home} (a second device has its own home). */
    Map<String, String> env(String home, String user) {
        Map<String, String> env = new HashMap<>();
        env.put("SOTTO_HOME", temp.resolve(home).toString());
        env.put("SOTTO_PASSWORD", prosody.password(user));
        return env;
    }

    CliProcess.Run sotto(Map<String, String> env, String... args) throws Exception {
        return CliProcess.run(env, null, COMMAND_TIMEOUT_SECONDS, args);
    }

    /** A command that must succeed (exit 0). */
    CliProcess.Run ok(Map<String, String> env, String... args) throws Exception {
        CliProcess.Run run = sotto(env, args);
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    /**
     * Alice writes first (offline), bob reads and answers (his first reply proves his key), alice reads: the two
     * users' first exchange, after which each holds a session with the other.
     */
    void exchange(Map<String, String> alice, Map<String, String> bob) throws Exception {
        ok(alice, "send", jid("bob"), "hello", "bob");
        assertEquals(List.of("hello bob"), bodies(ok(bob, "listen", "--json", "--count", "1", "--timeout", "30")));
        ok(bob, "send", jid("alice"), "hello", "alice");
        assertEquals(List.of("hello alice"), bodies(ok(alice, "listen", "--json", "--count", "1", "--timeout", "30")));
    }

    /**
     * {@code sotto account add} for {@code user} on this server, with {@code extra} options. With
     * {@code --new-account-key}: the server outlives each test's homes, so the device lists of earlier tests are still
     * there (LinkDevicesIT runs account add without it, to see the refusal).
     */
    CliProcess.Run add(String user, Map<String, String> env, String... extra) throws Exception {
        if (!tls) {
            // A new account key makes a new user: the OMEMO device lists of earlier tests' devices (which OMEMO
            // clients never prune) would otherwise make every send report each of those dead devices as awaiting
            // approval, as they would for a real account that changed its key (docs/protocol.md 10.13).
            try (RawClient raw = new RawClient(this, user, "reset")) {
                raw.deleteOwnNodes("eu.siacs.conversations.axolotl.devicelist", "urn:xmpp:omemo:2:devices",
                        "https://sotto.im/protocol/1/omemo-sides");
            }
        }
        List<String> args = new ArrayList<>(List.of("account", "add", prosody.jid(user), "--new-account-key",
                "--server", prosody.server()));
        if (!tls) {
            args.add("--insecure-loopback");
        }
        args.addAll(List.of(extra));
        return ok(env, args.toArray(String[]::new));
    }

    /** {@code sotto account add} for {@code user} in its own home, with a key-file store (no passphrase). */
    CliProcess.Run add(String user) throws Exception {
        return add(user, env(user), "--no-passphrase");
    }

    /** Both sides run {@code sotto verify} for each other at once and answer the SAS question; both runs, in order. */
    List<CliProcess.Run> verifyEachOther(Verifier first, Verifier second) throws Exception {
        List<CliProcess.Started> started = new ArrayList<>();
        for (Verifier side : List.of(first, second)) {
            List<String> args = new ArrayList<>(List.of("verify", jid(side.peer()), "--timeout",
                    VERIFY_TIMEOUT_SECONDS));
            args.addAll(List.of(side.options()));
            started.add(CliProcess.start(side.env(), args.toArray(String[]::new)));
        }
        started.get(0).answer(first.answer());
        started.get(1).answer(second.answer());
        return List.of(started.get(0).finish(VERIFY_FINISH_SECONDS), started.get(1).finish(VERIFY_FINISH_SECONDS));
    }

    static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.lines().toList()) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    /** The bodies of the messages {@code listen --json} printed, in order. */
    static List<String> bodies(CliProcess.Run listened) throws Exception {
        return jsonLines(listened.out()).stream().filter(e -> e.get("event").asText().equals("message"))
                .map(e -> e.get("body").asText()).toList();
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        // A process of the test may still be ending (a listen or chat deletes its hand-off socket as it exits): what
        // it removes during the walk is simply gone already.
        List<Path> found = new java.util.ArrayList<>();
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                found.add(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                found.add(dir);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        for (Path p : found) {   // files before their directory: the walk visits a directory's entries first
            Files.deleteIfExists(p);
        }
    }
}
