package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
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
            awaitCursor(scene.bob, before);
            // A crash before the position was written: the store says catch-up starts before m1.
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
