package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.xmpp.SottoAccount;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transcripts of the trust commands against a real Prosody: distrust holds messages (never plaintext) until the
 * contact is verified again; a new device of a verified contact is shown as awaiting approval until approved.
 */
class TrustCommandsIT {
    private static Prosody prosody;

    @TempDir
    Path temp;

    @BeforeAll
    static void startProsody() throws Exception {
        prosody = new Prosody();
    }

    @AfterAll
    static void stopProsody() throws Exception {
        if (prosody != null) {
            prosody.close();
        }
    }

    private Map<String, String> env(String home, String user) {
        Map<String, String> env = new HashMap<>();
        env.put("SOTTO_HOME", temp.resolve(home).toString());
        env.put("SOTTO_PASSWORD", prosody.password(user));
        return env;
    }

    private CliProcess.Run sotto(Map<String, String> env, String... args) throws Exception {
        return CliProcess.run(env, null, 120, args);
    }

    private CliProcess.Run ok(Map<String, String> env, String... args) throws Exception {
        CliProcess.Run run = sotto(env, args);
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    private void add(String user, Map<String, String> env) throws Exception {
        ok(env, "account", "add", prosody.jid(user), "--server", prosody.server(), "--insecure-loopback",
                "--no-passphrase");
    }

    private static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.lines().toList()) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    private static List<String> bodies(CliProcess.Run listened) throws Exception {
        return jsonLines(listened.out()).stream().filter(e -> e.get("event").asText().equals("message"))
                .map(e -> e.get("body").asText()).toList();
    }

    /** Alice writes first (offline), bob reads and answers (his first reply proves his key), alice reads. */
    private void exchange(Map<String, String> alice, Map<String, String> bob) throws Exception {
        ok(alice, "send", prosody.jid("bob"), "hello", "bob");
        assertEquals(List.of("hello bob"), bodies(ok(bob, "listen", "--json", "--count", "1", "--timeout", "30")));
        ok(bob, "send", prosody.jid("alice"), "hello", "alice");
        assertEquals(List.of("hello alice"), bodies(ok(alice, "listen", "--json", "--count", "1", "--timeout",
                "30")));
    }

    @Test
    void distrustHoldsMessagesUntilTheContactIsVerifiedAgain() throws Exception {
        Map<String, String> alice = env("alice", "alice");
        Map<String, String> bob = env("bob", "bob");
        add("alice", alice);
        add("bob", bob);
        exchange(alice, bob);

        CliProcess.Run distrusted = ok(alice, "distrust", prosody.jid("bob"));
        assertEquals(prosody.jid("bob") + " is now DISTRUSTED: nothing is sent to it\n", distrusted.out());
        assertTrue(ok(alice, "contacts").out().lines().anyMatch(l -> l.startsWith(prosody.jid("bob"))
                && l.contains(" DISTRUSTED ")));

        CliProcess.Run held = sotto(alice, "send", prosody.jid("bob"), "the", "secret", "plans");
        assertEquals(ExitCode.NOT_SENT, held.exit(), held.toString());
        String error = held.err().lines().filter(l -> l.startsWith("sotto: ")).findFirst().orElseThrow();
        assertTrue(error.contains("held for " + prosody.jid("bob")) && error.contains("you distrusted this contact")
                && error.contains("Nothing was sent in plaintext"), error);
        CliProcess.Run nothing = sotto(bob, "listen", "--json", "--count", "1", "--timeout", "5");
        assertEquals(ExitCode.TIMEOUT, nothing.exit(), nothing.toString());
        assertEquals(List.of(), bodies(nothing), "bob gets nothing from alice while she distrusts him");
        assertFalse(prosody.storedData().contains("secret plans"), "nothing in plaintext on the server");

        CliProcess.Run trusted = ok(alice, "trust", prosody.jid("bob"));
        assertEquals(prosody.jid("bob") + " is now VERIFIED\n", trusted.out());
        ok(alice, "send", prosody.jid("bob"), "and", "more");
        assertEquals(List.of("the secret plans", "and more"),
                bodies(ok(bob, "listen", "--json", "--count", "2", "--timeout", "30")),
                "the held message went first, once alice verified bob again");
    }

    @Test
    void aNewDeviceOfAVerifiedContactAwaitsApproval() throws Exception {
        Map<String, String> alice = env("alice", "alice");
        Map<String, String> bob = env("bob", "bob");
        add("alice", alice);
        add("bob", bob);
        exchange(alice, bob);
        ok(alice, "trust", prosody.jid("bob"));
        Map<String, String> laptop = linkedDevice("bob");

        ok(laptop, "send", prosody.jid("alice"), "from", "my", "laptop");
        List<JsonNode> events = jsonLines(ok(alice, "listen", "--json", "--count", "1", "--timeout", "30").out());
        JsonNode message = events.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow();
        assertEquals("from my laptop", message.get("body").asText());
        assertEquals("VERIFIED", message.get("trust").asText());
        assertFalse(message.get("deviceApproved").asBoolean(), message.toString());
        long laptopId = message.get("device").asLong();
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("device-needs-approval")
                && e.get("device").asLong() == laptopId), events.toString());

        String pending = ok(alice, "devices", prosody.jid("bob")).out();
        assertTrue(pending.lines().anyMatch(l -> l.matches(laptopId + " +AWAITING APPROVAL .*")), pending);
        assertTrue(pending.contains("Notes: devices awaiting approval: [" + laptopId + "]"), pending);

        CliProcess.Run approved = ok(alice, "trust", prosody.jid("bob"), "--device", Long.toString(laptopId));
        assertTrue(approved.out().startsWith("Approved device " + laptopId + " of " + prosody.jid("bob")),
                approved.out());
        assertTrue(ok(alice, "devices", prosody.jid("bob")).out().lines()
                .anyMatch(l -> l.matches(laptopId + " +APPROVED .*")));
        CliProcess.Run again = sotto(alice, "trust", prosody.jid("bob"), "--device", Long.toString(laptopId));
        assertEquals(ExitCode.USAGE, again.exit(), again.toString());
        assertTrue(again.err().contains("is not awaiting approval"), again.toString());

        ok(alice, "send", prosody.jid("bob"), "welcome", "laptop");
        assertEquals(List.of("welcome laptop"), bodies(ok(laptop, "listen", "--json", "--count", "1", "--timeout",
                "30")), "the approved laptop reads alice's message");
    }

    @Test
    void aContactsX509CertificateMakesItCertified() throws Exception {
        Map<String, String> alice = env("alice", "alice");
        Map<String, String> bob = env("bob", "bob");
        add("alice", alice);
        add("bob", bob);
        TestCertificates ca = new TestCertificates("CN=Sotto Test Root");
        Path root = TestCertificates.pem(temp.resolve("root.pem"), ca.root);
        Path bobCertificate = TestCertificates.pem(temp.resolve("bob.pem"),
                ca.account(accountKey("bob"), prosody.jid("bob")));
        CliProcess.Run anchors = ok(alice, "certify", "--x509-anchors", root.toString());
        assertTrue(anchors.out().contains("X.509 anchors: [CN=Sotto Test Root]"), anchors.out());
        CliProcess.Run attached = ok(bob, "certify", "--attach-x509", bobCertificate.toString());
        assertTrue(attached.out().contains("Attached to handshakes: X.509 [CN=" + prosody.jid("bob") + "]"),
                attached.out());

        // The certificate travels in the online handshake, which sotto verify makes.
        CliProcess.Started aliceVerify = CliProcess.start(alice, "verify", prosody.jid("bob"), "--timeout", "40");
        CliProcess.Started bobVerify = CliProcess.start(bob, "verify", prosody.jid("alice"), "--timeout", "40");
        aliceVerify.answer("yes");
        bobVerify.answer("yes");
        CliProcess.Run aliceRun = aliceVerify.finish(90);
        CliProcess.Run bobRun = bobVerify.finish(90);
        assertEquals(0, aliceRun.exit(), aliceRun.toString());
        assertEquals(0, bobRun.exit(), bobRun.toString());
        assertTrue(aliceRun.out().contains(prosody.jid("bob") + " is now CERTIFIED"), aliceRun.out());
        assertTrue(bobRun.out().contains(prosody.jid("alice") + " is now VERIFIED"), "alice attached nothing: "
                + bobRun.out());
        String contacts = ok(alice, "contacts").out();
        assertTrue(contacts.lines().anyMatch(l -> l.startsWith(prosody.jid("bob")) && l.contains(" CERTIFIED ")
                && l.contains("X509 certified: CN=" + prosody.jid("bob") + " by CN=Sotto Test Root")), contacts);
    }

    private byte[] accountKey(String user) throws Exception {
        Path dir = temp.resolve(user).resolve(prosody.jid(user));
        try (SqliteAccountStore store = SqliteAccountStore.open(dir.resolve(Accounts.STORE),
                Protection.keyFile(dir.resolve(Accounts.KEY_FILE)))) {
            return SottoAccount.open(store, new SecureRandom(), Clock.systemUTC()).identity().publicKey().bytes();
        }
    }

    /** A second device of {@code user}'s account, in its own home: the account key copied, a new device key. */
    private Map<String, String> linkedDevice(String user) throws Exception {
        Path first = temp.resolve(user).resolve(prosody.jid(user));
        Path dir = temp.resolve(user + "-laptop").resolve(prosody.jid(user));
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.copy(first.resolve(Accounts.SETTINGS), dir.resolve(Accounts.SETTINGS));
        AccountIdentity account;
        try (SqliteAccountStore store = SqliteAccountStore.open(first.resolve(Accounts.STORE),
                Protection.keyFile(first.resolve(Accounts.KEY_FILE)))) {
            account = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC()).identity();
        }
        try (SqliteAccountStore store = SqliteAccountStore.create(dir.resolve(Accounts.STORE),
                Protection.keyFile(dir.resolve(Accounts.KEY_FILE)))) {
            SottoAccount.openLinkedDevice(store, account, new SecureRandom(), Clock.systemUTC());
        }
        return env(user + "-laptop", user);
    }
}
