package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transcripts of the commands against a real Prosody, run as separate processes the way a user or a script runs
 * them: secrets from the environment, each account in its own --home, plaintext only on loopback.
 */
class CommandsIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    /** An account's environment; with a passphrase, its store is protected by it. */
    private static Map<String, String> env(String user, String passphrase) {
        Map<String, String> env = prosody.env(user);
        if (passphrase != null) {
            env.put("SOTTO_PASSPHRASE", passphrase);
        }
        return env;
    }

    private static CliProcess.Run sotto(Map<String, String> env, String... args) throws Exception {
        return prosody.sotto(env, args);
    }

    private static void add(String user, Map<String, String> env, String... extra) throws Exception {
        CliProcess.Run run = prosody.add(user, env, extra);
        assertTrue(run.out().startsWith("Added " + prosody.jid(user)), run.out());
        assertTrue(run.out().contains("Fingerprint: "), run.out());
    }

    @Test
    void addStatusSendListenContactsDevicesFingerprint() throws Exception {
        Map<String, String> alice = env("alice", null);
        Map<String, String> bob = env("bob", "correct horse battery");
        add("alice", alice, "--no-passphrase");
        add("bob", bob);
        assertTrue(Files.isRegularFile(prosody.temp().resolve("bob").resolve(prosody.jid("bob")).resolve("store.db")));
        assertFalse(Files.exists(prosody.temp().resolve("bob").resolve(prosody.jid("bob")).resolve("store.key")),
                "a passphrase store has no key file");

        CliProcess.Run status = sotto(alice, "status");
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("(this device listed); this device's bundle published"), status.out());
        assertFalse(status.out().contains(prosody.password("alice")) || status.err().contains(
                prosody.password("alice")), "the password is never printed");

        CliProcess.Run sent = sotto(alice, "send", prosody.jid("bob"), "the", "eagle", "has", "landed");
        assertEquals(0, sent.exit(), sent.toString());
        assertTrue(sent.out().startsWith("sent to " + prosody.jid("bob") + ", end-to-end encrypted"), sent.out());

        CliProcess.Run listened = sotto(bob, "listen", "--json", "--count", "1", "--timeout", "30");
        assertEquals(0, listened.exit(), listened.toString());
        List<JsonNode> events = PrivateServer.jsonLines(listened.out());
        assertEquals("ready", events.get(0).get("event").asText());
        JsonNode message = events.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow(() -> new AssertionError(listened.toString()));
        assertEquals("the eagle has landed", message.get("body").asText());
        assertEquals("UNVERIFIED", message.get("trust").asText());
        assertTrue(message.get("deviceApproved").asBoolean(), message.toString());
        assertTrue(message.get("from").asText().startsWith(prosody.jid("alice") + "/"));
        assertFalse(prosody.storedData().contains("eagle has landed"), "the server kept no plaintext");

        CliProcess.Run contacts = sotto(bob, "contacts");
        assertEquals(0, contacts.exit(), contacts.toString());
        assertTrue(contacts.out().lines().anyMatch(l -> l.startsWith(prosody.jid("alice"))
                && l.contains("UNVERIFIED") && !l.contains("never")), contacts.out());
        CliProcess.Run devices = sotto(bob, "devices", prosody.jid("alice"));
        assertEquals(0, devices.exit(), devices.toString());
        List<String> deviceLines = devices.out().lines().toList();
        assertEquals(3, deviceLines.size(), "a header, alice's one device, her trust: " + devices.out());
        assertTrue(deviceLines.get(1).matches("\\d+ +APPROVED +yes +\\S+"), deviceLines.get(1));
        assertTrue(deviceLines.get(2).startsWith("Trust: UNVERIFIED (TOFU), key "), deviceLines.get(2));

        CliProcess.Run fingerprint = sotto(alice, "fingerprint", "--qr");
        assertEquals(0, fingerprint.exit(), fingerprint.toString());
        String[] lines = fingerprint.out().split("\n");
        assertTrue(lines[0].matches(prosody.jid("alice").replace(".", "\\.") + "( [0-9a-f]{8}){8}"), lines[0]);
        assertTrue(lines[1].chars().allMatch(c -> c == '█'), "the QR code's quiet zone: " + lines[1]);
        assertTrue(fingerprint.out().contains("▀") && fingerprint.out().contains("▄"), fingerprint.out());
        assertTrue(lines[lines.length - 1].startsWith("sotto:fp:v1:"), lines[lines.length - 1]);
    }

    @Test
    void wrongPasswordIsOneLineWithExitCode3() throws Exception {
        Map<String, String> alice = env("alice", null);
        add("alice", alice, "--no-passphrase");
        alice.put("SOTTO_PASSWORD", "not-the-password");
        CliProcess.Run run = sotto(alice, "status");
        assertEquals(ExitCode.AUTH, run.exit(), run.toString());
        String error = CliProcess.oneLineError(run);
        assertTrue(error.contains("the server refused the password"), error);
        assertTrue(error.contains("SOTTO_PASSWORD or --password-file"), error);
        assertFalse(run.err().contains("not-the-password") || run.out().contains("not-the-password"));
    }

    @Test
    void wrongPassphraseIsOneLineWithExitCode5() throws Exception {
        Map<String, String> bob = env("bob", "the right one");
        add("bob", bob);
        bob.put("SOTTO_PASSPHRASE", "the wrong one");
        CliProcess.Run run = sotto(bob, "contacts");
        assertEquals(ExitCode.STORE, run.exit(), run.toString());
        assertTrue(CliProcess.oneLineError(run).contains("wrong passphrase"), run.toString());
    }

    @Test
    void serverDownIsOneLineWithExitCode4() throws Exception {
        Map<String, String> alice = env("alice", null);
        add("alice", alice, "--no-passphrase");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliProcess.Run run = sotto(alice, "send", "--server", "127.0.0.1:" + closedPort, prosody.jid("bob"), "hi");
        assertEquals(ExitCode.CONNECTION, run.exit(), run.toString());
        String error = CliProcess.oneLineError(run);
        assertTrue(error.contains("connection refused") && error.contains("is the server running?"), error);
    }

    /** {@code contacts} answers from the store: no login, no round trip (issue #20; it used to log in first). */
    @Test
    void contactsAnswersWithTheServerDown() throws Exception {
        Map<String, String> alice = env("alice", null);
        add("alice", alice, "--no-passphrase");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliProcess.Run run = sotto(alice, "contacts", "--server", "127.0.0.1:" + closedPort);
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        CliProcess.Run online = sotto(alice, "contacts", "--online", "--server", "127.0.0.1:" + closedPort);
        assertEquals(ExitCode.CONNECTION, online.exit(), "--online does log in: " + online);
    }

    @Test
    void plaintextIsRefusedBeyondLoopback() throws Exception {
        CliProcess.Run run = sotto(env("alice", null), "account", "add", prosody.jid("alice"), "--no-passphrase",
                "--server", "192.0.2.1:5222", "--insecure-loopback");
        assertEquals(ExitCode.USAGE, run.exit(), run.toString());
        assertTrue(CliProcess.oneLineError(run).contains("--insecure-loopback refused"), run.toString());
    }

    /**
     * Carol has no Sotto: alice's message is not sent (exit 6), stays queued, and neither the server's data nor
     * carol's delivery ever holds it in plaintext; once carol has Sotto, alice's next send delivers both, in order.
     */
    @Test
    void peerWithoutSottoKeepsTheMessageQueuedNeverPlaintext() throws Exception {
        Map<String, String> alice = env("alice", null);
        Map<String, String> carol = env("carol", null);
        add("alice", alice, "--no-passphrase");
        CliProcess.Run first = sotto(alice, "send", prosody.jid("carol"), "first", "secret", "for", "carol");
        assertEquals(ExitCode.NOT_SENT, first.exit(), first.toString());
        String error = CliProcess.oneLineError(first);
        assertTrue(error.contains("no Sotto device") && error.contains("kept in the outbox")
                && error.contains("Nothing was sent in plaintext"), error);
        assertFalse(prosody.storedData().contains("first secret for carol"), "nothing reached the server");

        add("carol", carol, "--no-passphrase");
        CliProcess.Run second = sotto(alice, "send", prosody.jid("carol"), "second", "secret");
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.err().contains("Sent 1 queued message to " + prosody.jid("carol")), second.err());

        CliProcess.Run listened = sotto(carol, "listen", "--json", "--count", "2", "--timeout", "30");
        assertEquals(0, listened.exit(), listened.toString());
        List<String> bodies = PrivateServer.jsonLines(listened.out()).stream().filter(e -> e.get("event").asText().equals("message"))
                .map(e -> e.get("body").asText()).toList();
        assertEquals(List.of("first secret for carol", "second secret"), bodies);
        assertFalse(prosody.storedData().contains("secret for carol"), "the server kept no plaintext");
    }

    /**
     * A message that can never be sent (200 KiB; an ESC, which XML cannot carry) is refused at once with exit 9 and
     * the limit in the message, and is not queued: the next messages to the same contact go out, not "queued behind
     * older ones". The text can come from standard input or --file, out of the process list.
     */
    @Test
    void unsendableMessagesAreRefusedBeforeTheOutboxAndTextComesFromStdinOrFile() throws Exception {
        Map<String, String> alice = env("alice", null);
        Map<String, String> bob = env("bob", null);
        add("alice", alice, "--no-passphrase");
        add("bob", bob, "--no-passphrase");
        String bobJid = prosody.jid("bob");

        CliProcess.Run tooLarge = CliProcess.run(alice, "x".repeat(200 * 1024), 60, "send", bobJid, "-");
        assertEquals(ExitCode.REFUSED, tooLarge.exit(), tooLarge.toString());
        String error = CliProcess.oneLineError(tooLarge);
        assertTrue(error.contains("not queued") && error.contains("the limit is " + MessageText.MAX_BODY_BYTES),
                error);
        CliProcess.Run control = sotto(alice, "send", bobJid, "clear \u001b[2J the screen");
        assertEquals(ExitCode.REFUSED, control.exit(), control.toString());
        assertTrue(CliProcess.oneLineError(control).contains("U+001B"), control.toString());

        CliProcess.Run fromStdin = CliProcess.run(alice, "from standard input\n", 60, "send", bobJid);
        assertEquals(0, fromStdin.exit(), fromStdin.toString());
        assertFalse(fromStdin.err().contains("older message"), fromStdin.err());
        java.nio.file.Path file = prosody.temp().resolve("message.txt");
        Files.writeString(file, "from a file, \u00e4\u00f6\u00fc\n");
        CliProcess.Run fromFile = sotto(alice, "send", bobJid, "--file", file.toString());
        assertEquals(0, fromFile.exit(), fromFile.toString());

        CliProcess.Run listened = sotto(bob, "listen", "--json", "--count", "2", "--timeout", "30");
        assertEquals(0, listened.exit(), listened.toString());
        List<String> bodies = PrivateServer.jsonLines(listened.out()).stream()
                .filter(e -> e.get("event").asText().equals("message")).map(e -> e.get("body").asText()).toList();
        assertEquals(List.of("from standard input", "from a file, \u00e4\u00f6\u00fc"), bodies);
    }

    /**
     * A store damaged on disk (one bit of the sealed identity record flipped) is reported as "store damaged"
     * with what to do, exit code 5, by every command that reads it: not as an unexpected AEAD error.
     */
    @Test
    void aDamagedStoreIsReportedAsSuch() throws Exception {
        Map<String, String> alice = env("alice", null);
        Map<String, String> bob = env("bob", null);
        add("alice", alice, "--no-passphrase");
        add("bob", bob, "--no-passphrase");
        prosody.ok(alice, "send", prosody.jid("bob"), "hello");
        java.nio.file.Path db = prosody.temp().resolve("alice").resolve(prosody.jid("alice")).resolve("store.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT record FROM local_identity")) {
            assertTrue(r.next(), "alice's identity record");
            byte[] record = r.getBytes(1);
            record[record.length / 2] ^= 1;
            try (java.sql.PreparedStatement u = c.prepareStatement("UPDATE local_identity SET record = ?")) {
                u.setBytes(1, record);
                assertEquals(1, u.executeUpdate());
            }
        }
        CliProcess.Run contacts = sotto(alice, "contacts");
        assertEquals(ExitCode.STORE, contacts.exit(), contacts.toString());
        String error = CliProcess.oneLineError(contacts);
        assertTrue(error.startsWith("sotto: store damaged: ") && error.contains("backup"), error);
    }

    /** Both run sotto verify at once: the same SAS on both sides; "yes" verifies, "no" does not (exit 7). */
    @Test
    void verifyShowsTheSameSasAndRecordsBothAnswers() throws Exception {
        Map<String, String> alice = env("alice", null);
        Map<String, String> bob = env("bob", null);
        add("alice", alice, "--no-passphrase");
        add("bob", bob, "--no-passphrase");
        List<CliProcess.Run> runs = prosody.verifyEachOther(new PrivateServer.Verifier(alice, "bob", "yes"),
                new PrivateServer.Verifier(bob, "alice", "no"));
        CliProcess.Run aliceRun = runs.get(0);
        CliProcess.Run bobRun = runs.get(1);
        String aliceSas = aliceRun.out().replaceAll("(?s).*SAS with \\S+: (\\w{8}).*", "$1");
        String bobSas = bobRun.out().replaceAll("(?s).*SAS with \\S+: (\\w{8}).*", "$1");
        assertTrue(aliceSas.matches("[0-9A-Z]{8}"), aliceRun.toString());
        assertEquals(aliceSas, bobSas, "both sides show the same SAS\n" + aliceRun + "\n" + bobRun);

        assertEquals(0, aliceRun.exit(), aliceRun.toString());
        assertTrue(aliceRun.out().contains(prosody.jid("bob") + " is now VERIFIED"), aliceRun.out());
        assertEquals(ExitCode.NOT_VERIFIED, bobRun.exit(), bobRun.toString());
        assertTrue(CliProcess.oneLineError(bobRun).contains("NOT verified"), bobRun.toString());

        CliProcess.Run aliceContacts = sotto(alice, "contacts");
        assertTrue(aliceContacts.out().lines().anyMatch(l -> l.startsWith(prosody.jid("bob"))
                && l.contains(" VERIFIED ")), aliceContacts.out());
        CliProcess.Run bobContacts = sotto(bob, "contacts");
        assertTrue(bobContacts.out().lines().anyMatch(l -> l.startsWith(prosody.jid("alice"))
                && l.contains("DISTRUSTED")), "a SAS mismatch distrusts: " + bobContacts.out());
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() throws Exception {
        CliProcess.Run help = sotto(Map.of(), "--help");
        assertEquals(0, help.exit(), help.toString());
        for (String command : List.of("demo", "account", "status", "send", "listen", "verify", "fingerprint",
                "contacts", "devices", "trust", "distrust", "certify")) {
            assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(command + " ")
                    || l.strip().equals(command)), command + " missing:\n" + help.out());
        }
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("6  not sent"), help.out());
    }
}
