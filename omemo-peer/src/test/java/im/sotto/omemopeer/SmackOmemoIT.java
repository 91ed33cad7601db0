package im.sotto.omemopeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import im.sotto.omemopeer.XmppServersScript.Kind;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.omemo.OmemoMessage;
import org.jivesoftware.smackx.omemo.internal.OmemoDevice;
import org.jxmpp.jid.BareJid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sotto (the packaged CLI, its own process) and Smack's {@code smack-omemo-signal} 4.5.0-beta5 (an OMEMO 0.3
 * implementation we did not write, in this JVM) talk OMEMO both ways through a real server: the session's first
 * message is a prekey message, later ones are normal messages; Sotto labels what it reads OMEMO, shows each message
 * once and reports a duplicated stanza as a duplicate; the server keeps no plaintext. Sotto runs offline between its
 * commands, so every message to it passes through the server's offline storage and archive.
 */
class SmackOmemoIT {
    private static XmppServersScript servers;

    @BeforeAll
    static void startServers() throws Exception {
        servers = XmppServersScript.start();
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    /**
     * Smack starts the session (a prekey message to a Sotto that is offline), Sotto answers, Smack writes again:
     * normal messages now, one of them sent twice as a replaying server would.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void smackStartsSottoAnswersDuplicateShownOnce(Kind kind) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SottoCli alice = sotto(kind, "alice");
        try (SmackOmemoPeer bob = smack(kind, "bob", run)) {
            meet(kind, "alice", bob, run);
            int aliceDevice = onlyDevice(bob.awaitDevicesOf(bare(alice.jid)));

            String first = "first from Smack " + run;
            OmemoMessage.Sent firstSent = bob.encrypt(bare(alice.jid), first);
            assertTrue(preKey(firstSent, aliceDevice), "a new session starts with a prekey message");
            bob.send(SmackOmemoPeer.stanza(firstSent, bare(alice.jid)));
            List<JsonNode> events = listen(alice, 1);
            assertEquals(List.of(first), bodies(events));
            assertOmemoFrom(events, bob.jid());

            String answer = "answer from Sotto " + run;
            alice.ok("send", bob.jid().toString(), answer);
            SmackOmemoPeer.Received atBob = bob.next();
            assertEquals(answer, atBob.body());
            assertEquals(bare(alice.jid), atBob.from());
            assertFalse(atBob.preKeyFor(bob.deviceId()), "Sotto answers in the session Smack started");

            String second = "second from Smack " + run;
            String third = "third from Smack " + run;
            OmemoMessage.Sent secondSent = bob.encrypt(bare(alice.jid), second);
            assertFalse(preKey(secondSent, aliceDevice), "after Sotto's answer Smack sends normal messages");
            Message secondStanza = SmackOmemoPeer.stanza(secondSent, bare(alice.jid));
            bob.send(secondStanza);
            bob.send(secondStanza);
            bob.send(SmackOmemoPeer.stanza(bob.encrypt(bare(alice.jid), third), bare(alice.jid)));
            events = listen(alice, 2);
            assertEquals(List.of(second, third), bodies(events), "each message shown once: " + events);
            assertOmemoFrom(events, bob.jid());
            List<JsonNode> refused = events.stream().filter(e -> e.get("event").asText()
                    .equals("omemo-undecryptable")).toList();
            assertEquals(1, refused.size(), "the duplicate reported once: " + events);
            assertEquals("DUPLICATE", refused.get(0).get("reason").asText(), refused.toString());

            assertCiphertextStored(kind, secondSent);
            assertNoPlaintextStored(kind, first, answer, second, third);
        }
    }

    /**
     * Sotto starts the session (a prekey message to Smack), Smack answers with a normal message, Sotto writes again
     * with a normal message.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void sottoStartsSmackAnswers(Kind kind) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SottoCli carol = sotto(kind, "carol");
        try (SmackOmemoPeer bob = smack(kind, "bob", run)) {
            meet(kind, "carol", bob, run);
            bob.awaitDevicesOf(bare(carol.jid));

            String first = "first from Sotto " + run;
            carol.ok("send", bob.jid().toString(), first);
            SmackOmemoPeer.Received atBob = bob.next();
            assertEquals(first, atBob.body());
            assertEquals(bare(carol.jid), atBob.from());
            assertTrue(atBob.preKeyFor(bob.deviceId()), "a new session starts with a prekey message");

            String answer = "answer from Smack " + run;
            int carolDevice = onlyDevice(bob.awaitDevicesOf(bare(carol.jid)));
            OmemoMessage.Sent answerSent = bob.encrypt(bare(carol.jid), answer);
            assertFalse(preKey(answerSent, carolDevice), "Smack answers in the session Sotto started");
            bob.send(SmackOmemoPeer.stanza(answerSent, bare(carol.jid)));
            // As a user reads it: the OMEMO tag leads the line, before anything the sender chose.
            SottoCli.Run listened = carol.start("listen", "--count", "1", "--timeout", "60")
                    .finish(SottoCli.COMMAND_TIMEOUT_SECONDS);
            assertEquals(0, listened.exit(), listened.toString());
            assertEquals(List.of("[OMEMO BLIND] " + bob.connection.getUser() + ": " + answer),
                    listened.out().lines().filter(l -> l.contains(answer)).map(l -> l.substring(l.indexOf(' ') + 1))
                            .toList(), listened.toString());

            String second = "second from Sotto " + run;
            carol.ok("send", bob.jid().toString(), second);
            atBob = bob.next();
            assertEquals(second, atBob.body());
            assertFalse(atBob.preKeyFor(bob.deviceId()), "after Smack's answer Sotto sends normal messages");

            // The user compares the fingerprint sotto devices shows with the one Smack shows for itself, and verifies
            // that device; a device never met is refused (usage, exit 2) and changes nothing.
            String smackSays = bob.omemo.getOwnFingerprint().toString().toLowerCase(java.util.Locale.ROOT);
            String before = carol.ok("devices", bob.jid().toString()).out();
            assertTrue(before.lines().anyMatch(l -> l.startsWith(bob.deviceId() + " ") && l.contains("BLIND TRUST")
                    && l.replace(" ", "").toLowerCase(java.util.Locale.ROOT).endsWith(smackSays)), before);
            assertEquals(2, carol.start("trust", bob.jid().toString(), "--omemo-device", "12345")
                    .finish(SottoCli.COMMAND_TIMEOUT_SECONDS).exit(), "no such device met");
            carol.ok("trust", bob.jid().toString(), "--omemo-device", Integer.toString(bob.deviceId()));
            String after = carol.ok("devices", bob.jid().toString()).out();
            assertTrue(after.lines().anyMatch(l -> l.startsWith(bob.deviceId() + " ") && l.contains(" VERIFIED ")),
                    after);

            assertNoPlaintextStored(kind, first, answer, second);
        }
    }

    private SottoCli sotto(Kind kind, String user) throws Exception {
        Path home = Files.createTempDirectory("sotto-home-" + user + "-");
        SottoCli cli = new SottoCli(home, servers.jid(kind, user), servers.password(kind, user));
        cli.addAccount(servers.host(kind), servers.port(kind));
        return cli;
    }

    private SmackOmemoPeer smack(Kind kind, String user, String run) throws Exception {
        return SmackOmemoPeer.login(servers.host(kind), servers.port(kind), servers.domain(kind), user,
                servers.password(kind, user), "smack-" + run);
    }

    /**
     * What earlier logins of the two users would have left: each in the other's roster with presence subscriptions
     * both ways (Smack publishes its bundle with the server's default access model, readable by subscribers). Sotto's
     * side is set up by a plain Smack connection to its account, which then leaves.
     */
    private void meet(Kind kind, String sottoUser, SmackOmemoPeer smack, String run) throws Exception {
        XMPPTCPConnection seed = SmackOmemoPeer.connection(servers.host(kind), servers.port(kind),
                servers.domain(kind), sottoUser, servers.password(kind, sottoUser), "seed-" + run);
        try {
            seed.connect().login();
            SmackOmemoPeer.subscribeBothWays(seed, smack.connection);
        } finally {
            seed.disconnect();
        }
    }

    /** {@code sotto listen --json} until {@code count} messages were shown; its events. */
    private static List<JsonNode> listen(SottoCli sotto, int count) throws Exception {
        SottoCli.Run run = sotto.start("listen", "--json", "--count", Integer.toString(count), "--timeout", "60")
                .finish(SottoCli.COMMAND_TIMEOUT_SECONDS);
        assertEquals(0, run.exit(), run.toString());
        return run.events();
    }

    private static List<String> bodies(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("event").asText().equals("message")).map(e -> e.get("body")
                .asText()).toList();
    }

    /** Every message shown came from {@code from} and is labelled OMEMO (never as Sotto's own protocol). */
    private static void assertOmemoFrom(List<JsonNode> events, BareJid from) {
        for (JsonNode e : events.stream().filter(e -> e.get("event").asText().equals("message")).toList()) {
            assertEquals("OMEMO", e.get("origin").asText(), e.toString());
            assertEquals("BLIND", e.get("trust").asText(), e.toString());
            assertTrue(e.get("from").asText().startsWith(from + "/"), e.toString());
        }
    }

    private static boolean preKey(OmemoMessage.Sent sent, int deviceId) {
        return sent.getElement().getHeader().getKeys().stream().filter(k -> k.getId() == deviceId).findFirst()
                .orElseThrow(() -> new AssertionError("Smack encrypted nothing for device " + deviceId))
                .isPreKey();
    }

    private static int onlyDevice(java.util.Set<OmemoDevice> devices) {
        assertEquals(1, devices.size(), "one OMEMO device for the Sotto account: " + devices);
        return devices.iterator().next().getDeviceId();
    }

    /** The check below reads where the server keeps messages: the OMEMO payload of one of them is there. */
    private void assertCiphertextStored(Kind kind, OmemoMessage.Sent sent) throws Exception {
        String payload = java.util.Base64.getEncoder().encodeToString(sent.getElement().getPayload());
        assertTrue(servers.storedData(kind).contains(payload), "the server keeps no copy of the OMEMO message");
    }

    private void assertNoPlaintextStored(Kind kind, String... bodies) throws Exception {
        String stored = servers.storedData(kind);
        for (String body : bodies) {
            assertFalse(stored.contains(body), "plaintext on the server's disk: " + body);
        }
    }

    private static BareJid bare(String jid) {
        return SmackOmemoPeer.bare(jid);
    }
}
