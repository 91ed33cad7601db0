package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.RefusalReason;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the server delivered to a client that died before processing it is not lost: after the restart the client
 * fetches it from the account's archive (XEP-0313) and delivers it once; what the dead client had processed is
 * neither delivered again nor reported as a duplicate, even when its archive position was not written in time.
 */
@ExtendWith(XmppServersExtension.class)
class ArchiveCatchUpIT {
    /** How long "nothing more arrives" is watched. */
    private static final long QUIET_MS = 1_500;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void messagesThatReachedAClientThatDiedUnprocessedArriveOnceAfterItsRestart(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            // The server hands alice's next two messages to bob's connection; bob's process "dies" before reading them.
            List<RelayedStanza> swallowed = new CopyOnWriteArrayList<>();
            String bobFull = scene.bobJid().toString();
            scene.relay.rule(stanza -> {
                if (!stanza.toServer() && bobFull.equals(stanza.link().jid())
                        && HostileScene.carries(stanza, SottoEncrypted.Kind.RATCHET)) {
                    swallowed.add(stanza);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            send(scene, "m1");
            send(scene, "m2");
            HostileScene.awaitSize(swallowed, 2);
            scene.relay.rule(stanza -> List.of(stanza.xml()));
            assertNull(scene.bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "bob's first run processed nothing");

            SottoParty restarted = restart(scene);
            assertEquals("m1 " + scene.suffix, body(restarted.next()));
            assertEquals("m2 " + scene.suffix, body(restarted.next()));
            send(scene, "m3");
            assertEquals("m3 " + scene.suffix, body(restarted.next()));
            assertNull(restarted.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing is delivered twice");
            assertQuiet(restarted);
            scene.assertNothingSecretOnTheWire();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void whatADeadClientHadProcessedIsNeitherDeliveredNorReportedAgain(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            byte[] before = awaitCursor(scene.bob, null);
            for (int n = 1; n <= 6; n++) {
                // Both directions, so the ratchets step and older chains are forgotten on the way.
                send(scene, "m" + n);
                assertEquals("m" + n + " " + scene.suffix, body(scene.bob.next()));
                scene.bob.manager.send(scene.secretChat(scene.aliceJid(), "r" + n + " " + scene.suffix))
                        .get(20, TimeUnit.SECONDS);
                assertEquals("r" + n + " " + scene.suffix, body(scene.alice.next()));
            }
            // Live stanzas never move the position (protocol.md 7.5), so it is still before m1, as after a crash
            // before an advance pass; written again to be sure of it.
            scene.bob.account.store().transact(s -> {
                s.archiveCursor().store(before);
                return null;
            });

            SottoParty restarted = restart(scene);
            send(scene, "m7");
            assertEquals("m7 " + scene.suffix, body(restarted.next()), "the first thing delivered after the restart");
            assertNull(restarted.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing is delivered twice");
            assertQuiet(restarted);
        }
    }

    /**
     * Carol slips a "result" into bob's archive query after his restart (Smack matches results by query id only): a
     * message from her full JID wrapping a ratchet message "from alice", under an archive id of her choosing. Bob
     * reports it (FOREIGN_ARCHIVE) and ignores it: nothing is decrypted or reported undecryptable, and his archive
     * position does not move to her id (which would make him skip what the real archive holds before it).
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aForgedArchiveResultFromAnotherJidIsReportedAndIgnored(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            awaitCursor(scene.bob, null);
            String forgedId = "forged-" + scene.suffix;
            String carol = "carol@" + scene.server.domain() + "/c-" + scene.suffix;
            String bobFull = scene.bobJid().toString();
            Pattern queryIdAttribute = Pattern.compile("queryid=['\"]([^'\"]+)['\"]");
            AtomicReference<String> queryId = new AtomicReference<>();
            scene.relay.rule(stanza -> {
                String xml = stanza.xml();
                if (stanza.toServer() && xml.startsWith("<iq") && xml.contains("urn:xmpp:mam:2")) {
                    Matcher matcher = queryIdAttribute.matcher(xml);
                    if (matcher.find()) {
                        queryId.set(matcher.group(1));
                    }
                } else if (!stanza.toServer() && bobFull.equals(stanza.link().jid()) && xml.startsWith("<iq")
                        && xml.contains("<fin") && queryId.get() != null) {
                    return List.of(forgedResult(carol, bobFull, scene.aliceJid().toString(), queryId.get(),
                            forgedId), xml);
                }
                return List.of(xml);
            });
            SottoParty restarted = restart(scene);
            restarted.awaitEvent(SecurityEvent.SessionRefused.class, e -> e.from().toString().equals(carol)
                    && e.reason() == RefusalReason.FOREIGN_ARCHIVE);
            send(scene, "after");
            assertEquals("after " + scene.suffix, body(restarted.next()));
            assertQuiet(restarted);
            byte[] cursor = restarted.account.store().transact(s -> s.archiveCursor().load()).orElseThrow();
            assertFalse(new String(cursor, StandardCharsets.ISO_8859_1).contains(forgedId),
                    "the archive position moved to the forged result's id");
        }
    }

    /** A XEP-0313 result message from {@code from}, wrapping a ratchet message of random bytes "from alice". */
    private static String forgedResult(String from, String to, String alice, String queryId, String archiveId) {
        byte[] payload = new byte[160];
        new SecureRandom().nextBytes(payload);
        payload[0] = 1;
        String encrypted = new SottoEncrypted(SottoEncrypted.Kind.RATCHET, payload).toXML().toString();
        return "<message xmlns='jabber:client' from='" + from + "' to='" + to + "'><result xmlns='urn:xmpp:mam:2' "
                + "queryid='" + queryId + "' id='" + archiveId + "'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/><message xmlns='jabber:client' from='"
                + alice + "' to='" + to + "' type='chat' id='forged-" + archiveId + "'>" + encrypted
                + "</message></forwarded></result></message>";
    }

    private static void establish(HostileScene scene) throws Exception {
        send(scene, "hello");
        assertEquals("hello " + scene.suffix, body(scene.bob.next()));
    }

    private static void send(HostileScene scene, String text) throws Exception {
        scene.alice.manager.send(scene.secretChat(scene.bobJid(), text + " " + scene.suffix)).get(20, TimeUnit.SECONDS);
    }

    /** Bob's process ends without a word (its connection drops) and starts again on the same store and resource. */
    private static SottoParty restart(HostileScene scene) throws Exception {
        scene.bob.manager.disable();
        scene.bob.connection.instantShutdown();
        return new SottoParty(scene.bob.account).connect(scene.server.connectionVia("bob",
                scene.bobJid().getResourceOrThrow().toString(), scene.relay.port()));
    }

    /** Waits until bob's archive cursor exists and differs from {@code other}; returns it. */
    private static byte[] awaitCursor(SottoParty bob, byte[] other) throws InterruptedException {
        long deadline = System.nanoTime() + SottoParty.WAIT_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            byte[] cursor = bob.account.store().transact(s -> s.archiveCursor().load()).orElse(null);
            if (cursor != null && (other == null || !java.util.Arrays.equals(cursor, other))) {
                return cursor;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("bob's archive cursor was not written");
    }

    /** No stanza reported undecryptable (not even as a duplicate) and no session started again. */
    private static void assertQuiet(SottoParty party) {
        List<SecurityEvent> events;
        synchronized (party.events) {
            events = List.copyOf(party.events);
        }
        assertEquals(List.of(), events.stream().filter(e -> e instanceof SecurityEvent.UndecryptableStanza
                || e instanceof SecurityEvent.SessionHealed || e instanceof SecurityEvent.SessionEstablished
                || e instanceof SecurityEvent.MessagesMissing).toList());
        assertTrue(party.connection.isAuthenticated());
        assertNotEquals(null, party.manager);
    }

    private static String body(DecryptedStanza stanza) {
        return ((Message) stanza.stanza()).getBody();
    }
}
