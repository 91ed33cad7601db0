package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #18, section 1: what arrives without Sotto is never dropped without a word. A plain XMPP client (Smack
 * without Sotto) sends plaintext, an OMEMO message and an OTR query to a Sotto user on a real Prosody; {@code listen
 * --json} and {@code chat} report each exactly once, marked unencrypted, foreign or (OMEMO, which Sotto reads, but
 * not for this device) undecryptable, the stranger as a stranger, never
 * as a decrypted message; nothing of it reaches the trust state; strangers can be turned off.
 */
class UnprotectedMessagesIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    private static String unique(String text) {
        return text + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<JsonNode> events(CliProcess.Run run, String kind) throws Exception {
        return PrivateServer.jsonLines(run.out()).stream().filter(e -> e.get("event").asText().equals(kind)).toList();
    }

    private static long count(List<JsonNode> events, String field, String value) {
        return events.stream().filter(e -> e.path(field).asText().equals(value)).count();
    }

    @Test
    void listenReportsPlaintextAndForeignEncryptionOnceEach() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice", alice, "--no-passphrase");
        prosody.add("bob", bob, "--no-passphrase");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        // alice becomes a Sotto contact of bob's: a trust record, no roster entry.
        prosody.ok(alice, "send", bobJid, "encrypted hello");
        // Sent while bob is offline: delivered from offline storage at login, and also in the archive.
        String offline = unique("written while you were away");
        try (RawClient carol = new RawClient(prosody, "carol", "plain")) {
            carol.sendPlain(bobJid, offline);
        }

        CliProcess.Started listening = CliProcess.start(bob, "listen", "--json", "--timeout", "120");
        listening.awaitOutput("encrypted hello", PrivateServer.COMMAND_TIMEOUT_SECONDS);
        listening.awaitOutput(offline, DELIVERY.toSeconds());
        String plainFromContact = unique("I can't read you, write plain");
        String plainFromStranger = unique("hello from a stranger");
        try (RawClient aliceRaw = new RawClient(prosody, "alice", "profanity");
             RawClient carol = new RawClient(prosody, "carol", "plain")) {
            aliceRaw.sendPlain(bobJid, plainFromContact);
            aliceRaw.sendOmemo(bobJid);
            carol.sendPlain(bobJid, plainFromStranger);
            carol.sendPlain(bobJid, "?OTRv23? carol has requested an Off-the-Record private conversation.");
        }
        listening.awaitOutput("\"scheme\":\"OTR\"", DELIVERY.toSeconds());
        listening.signal("TERM");
        CliProcess.Run run = listening.finish(60);

        List<JsonNode> plain = events(run, "unencrypted-message");
        assertEquals(1, count(plain, "body", plainFromContact), run.toString());
        assertEquals(1, count(plain, "body", plainFromStranger), run.toString());
        assertEquals(1, count(plain, "body", offline), "offline storage and the archive, reported once: " + run);
        assertEquals(3, plain.size(), "the OMEMO fallback body and the OTR query are not plaintext: " + run);
        for (JsonNode event : plain) {
            assertFalse(event.get("encrypted").asBoolean(), event.toString());
            assertFalse(event.has("trust"), "plaintext has no trust level: " + event);
            boolean fromCarol = event.get("from").asText().startsWith(prosody.jid("carol") + "/");
            assertEquals(fromCarol, event.get("stranger").asBoolean(), "carol is a stranger, alice is not: " + event);
        }
        List<JsonNode> foreign = events(run, "foreign-encryption");
        assertEquals(1, foreign.size(), run.toString());
        assertEquals(1, count(foreign, "scheme", "OTR"), run.toString());
        // Sotto reads OMEMO 0.3 (its handler claims the axolotl element): a message with no key for this device is
        // reported by that handler with its typed reason, once, and never as plaintext or as a message.
        List<JsonNode> omemo = events(run, "omemo-undecryptable");
        assertEquals(1, omemo.size(), run.toString());
        assertEquals(aliceJid + "/profanity", omemo.get(0).get("from").asText());
        assertEquals("NOT_FOR_THIS_DEVICE", omemo.get(0).get("reason").asText());
        // Only alice's Sotto message is a message: nothing else is presented as decrypted.
        assertEquals(List.of("encrypted hello"), PrivateServer.bodies(run));

        // Nothing of it reached the trust state: carol is no contact, alice still the one contact as before.
        CliProcess.Run contacts = prosody.ok(bob, "contacts");
        assertFalse(contacts.out().contains(prosody.jid("carol")), contacts.toString());
        assertTrue(contacts.out().lines().anyMatch(l -> l.startsWith(aliceJid) && l.contains("UNVERIFIED")),
                contacts.toString());

        // Turned off for strangers in account.properties: carol's plaintext is not shown, alice's still is.
        Path settings = prosody.temp().resolve("bob").resolve(bobJid).resolve(Accounts.SETTINGS);
        Files.writeString(settings, Files.readString(settings) + Strangers.SETTING + "=true\n");
        CliProcess.Started quiet = CliProcess.start(bob, "listen", "--json", "--timeout", "120");
        quiet.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
        String hidden = unique("buy cheap watches");
        String shown = unique("still there?");
        try (RawClient aliceRaw = new RawClient(prosody, "alice", "profanity");
             RawClient carol = new RawClient(prosody, "carol", "plain")) {
            carol.sendPlain(bobJid, hidden);
            aliceRaw.sendPlain(bobJid, shown);
        }
        quiet.awaitOutput(shown, DELIVERY.toSeconds());
        quiet.signal("TERM");
        CliProcess.Run quietRun = quiet.finish(60);
        assertFalse(quietRun.out().contains(hidden), quietRun.toString());
    }

    /**
     * In {@code chat}, plaintext gets a line of its own that cannot pass for an encrypted one (the UNENCRYPTED
     * marker instead of a trust tag; a colour of its own) and the status line says so; an OMEMO message is named.
     * With --hide-strangers a stranger's plaintext is not shown; the contact chatted with is never a stranger.
     */
    @Test
    void chatMarksPlaintextAndSaysSoInTheStatusLine() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("bob", 200, 40, prosody.env("bob"), CliProcess.javaCommand("chat", aliceJid,
                    "--hide-strangers"));
            tmux.await("bob", START, "the status line", s -> s.contains(aliceJid + " | "));
            String plain = unique("I can't read you, write plain");
            String spam = unique("buy cheap watches");
            try (RawClient carol = new RawClient(prosody, "carol", "plain")) {
                carol.sendPlain(bobJid, spam);
            }
            try (RawClient aliceRaw = new RawClient(prosody, "alice", "profanity")) {
                aliceRaw.sendPlain(bobJid, plain);
                aliceRaw.sendOmemo(bobJid);
            }
            String screen = tmux.await("bob", DELIVERY, "the plaintext, the OMEMO line and the status", s ->
                    s.contains(plain) && s.contains("undecryptable OMEMO message") && s.contains("1 UNENCRYPTED received"));
            List<String> plainLines = screen.lines().filter(l -> l.contains(plain)).toList();
            assertEquals(1, plainLines.size(), screen);
            assertTrue(plainLines.get(0).matches("\\d\\d:\\d\\d:\\d\\d !! UNENCRYPTED from " + aliceJid
                    + "/profanity: .*"), screen);
            assertEquals(1, screen.lines().filter(l -> l.contains("undecryptable OMEMO message from " + aliceJid
                    + "/profanity") && l.contains("NOT_FOR_THIS_DEVICE")).count(), screen);
            assertFalse(screen.contains(RawClient.OMEMO_FALLBACK), "the fallback body is not shown as a message");
            assertFalse(screen.contains(spam), "a stranger's plaintext is hidden with --hide-strangers: " + screen);
            tmux.type("bob", "/quit");
        }
    }
}
