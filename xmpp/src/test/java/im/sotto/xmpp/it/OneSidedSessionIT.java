package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session committed by one side only (issue #23, item 1): bob's process answers alice's handshake message 1 and
 * dies before handshake message 3 reaches it, so it never stores the session alice now holds. Before the fix alice's
 * first message travelled with message 3 and the next ones under a session bob's next run does not have: lost,
 * reported to bob as {@code NO_SESSION}. Now alice holds content until bob's first ratchet message confirms the
 * session, and without that confirmation starts a new handshake: bob's next run reads everything, once, in order.
 */
@ExtendWith(XmppServersExtension.class)
class OneSidedSessionIT {
    private static final long QUIET_MS = 1_500;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aResponderThatDiesBeforeStoringTheSessionLosesNothingSentUnderIt(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            scene.alice.manager.setHandshakeTimeout(Duration.ofSeconds(2));
            // Every handshake stanza to bob after the first (message 3, and whatever follows) dies with his process.
            List<RelayedStanza> swallowed = new CopyOnWriteArrayList<>();
            AtomicInteger handshakesToBob = new AtomicInteger();
            String bobFull = scene.bobJid().toString();
            scene.relay.rule(stanza -> {
                if (!stanza.toServer() && bobFull.equals(stanza.link().jid())
                        && HostileScene.carries(stanza, SottoEncrypted.Kind.HANDSHAKE)
                        && handshakesToBob.incrementAndGet() > 1) {
                    swallowed.add(stanza);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            CompletableFuture<Void> first = scene.alice.manager.send(scene.secretChat(scene.bobJid(),
                    "m1 " + scene.suffix));
            HostileScene.awaitSize(swallowed, 1);
            SottoParty restarted = restart(scene);
            scene.relay.rule(stanza -> List.of(stanza.xml()));
            CompletableFuture<Void> second = scene.alice.manager.send(scene.secretChat(scene.bobJid(),
                    "m2 " + scene.suffix));
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);

            assertEquals("m1 " + scene.suffix, body(restarted.next()), "the first message is not lost");
            assertEquals("m2 " + scene.suffix, body(restarted.next()), "nor the one after it");
            scene.alice.manager.send(scene.secretChat(scene.bobJid(), "m3 " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("m3 " + scene.suffix, body(restarted.next()));
            assertNull(restarted.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing is delivered twice");
            List<SecurityEvent> undecryptable;
            synchronized (restarted.events) {
                undecryptable = restarted.events.stream().filter(e -> e instanceof SecurityEvent.UndecryptableStanza)
                        .toList();
            }
            assertEquals(List.of(), undecryptable, "no message under a session bob never stored");
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * As above, but bob stays away until alice's handshake attempts gave up (the message is reported and kept queued).
     * When bob is back and alice writes again, the session he never stored must carry neither message: alice starts
     * a new handshake instead, and both arrive under it.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aSessionNeverConfirmedCarriesNothingWhenTheResponderComesBack(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            scene.alice.manager.setHandshakeTimeout(HostileScene.SHORT_HANDSHAKE_TIMEOUT);
            AtomicInteger handshakesToBob = new AtomicInteger();
            String bobFull = scene.bobJid().toString();
            scene.relay.rule(stanza -> !stanza.toServer() && bobFull.equals(stanza.link().jid())
                    && HostileScene.carries(stanza, SottoEncrypted.Kind.HANDSHAKE)
                    && handshakesToBob.incrementAndGet() > 1 ? List.of() : List.of(stanza.xml()));
            scene.alice.manager.send(scene.secretChat(scene.bobJid(), "m1 " + scene.suffix));
            SecurityEvent.SendFailed gaveUp = scene.alice.awaitEvent(SecurityEvent.SendFailed.class, e -> true);
            assertEquals(SendFailure.NEGOTIATION_FAILED, gaveUp.reason(), gaveUp.toString());
            SottoParty restarted = restart(scene);
            scene.relay.rule(stanza -> List.of(stanza.xml()));
            scene.alice.manager.send(scene.secretChat(scene.bobJid(), "m2 " + scene.suffix)).get(30, TimeUnit.SECONDS);

            assertEquals("m1 " + scene.suffix, body(restarted.next()), "sent under a new session, not the old one");
            assertEquals("m2 " + scene.suffix, body(restarted.next()));
            assertNull(restarted.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing is delivered twice");
            synchronized (restarted.events) {
                assertEquals(List.of(), restarted.events.stream()
                        .filter(e -> e instanceof SecurityEvent.UndecryptableStanza).toList());
            }
        }
    }

    /**
     * The other side of it: alice's process dies after sending message 3 and before bob's confirmation. Her next run
     * decodes the session from the store; the mark that held her content back used to live in memory only, so the
     * queued message went out under a session bob never stored (message 3 was lost with the cut) and was
     * {@code NO_SESSION} at bob. Now the stored session itself says it was never confirmed: the next run starts a
     * new handshake, and bob reads the message once.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void anInitiatorRestartedBeforeTheConfirmationSendsNothingUnderTheUnconfirmedSession(ServerKind kind,
            XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            scene.alice.manager.setHandshakeTimeout(Duration.ofSeconds(60));   // the restart comes first
            List<RelayedStanza> swallowed = new CopyOnWriteArrayList<>();
            AtomicInteger handshakesToBob = new AtomicInteger();
            String bobFull = scene.bobJid().toString();
            scene.relay.rule(stanza -> {
                if (!stanza.toServer() && bobFull.equals(stanza.link().jid())
                        && HostileScene.carries(stanza, SottoEncrypted.Kind.HANDSHAKE)
                        && handshakesToBob.incrementAndGet() > 1) {
                    swallowed.add(stanza);   // message 3 and its empty ratchet message: bob never stores the session
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            scene.alice.manager.send(scene.secretChat(scene.bobJid(), "m1 " + scene.suffix));
            HostileScene.awaitSize(swallowed, 1);
            String aliceResource = scene.alice.connection.getUser().getResourceOrThrow().toString();
            scene.alice.manager.disable();
            scene.alice.connection.instantShutdown();
            scene.relay.rule(stanza -> List.of(stanza.xml()));
            SottoParty alice = new SottoParty(scene.alice.account).connect(scene.server.connectionVia("alice",
                    aliceResource, scene.relay.port()));
            try {
                assertEquals("m1 " + scene.suffix, body(scene.bob.next()), "the queued message is not lost");
                assertNull(scene.bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing is delivered twice");
                synchronized (scene.bob.events) {
                    assertEquals(List.of(), scene.bob.events.stream()
                            .filter(e -> e instanceof SecurityEvent.UndecryptableStanza).toList(),
                            "nothing under the session bob never stored");
                }
            } finally {
                alice.disconnect();
            }
        }
    }

    /** Bob's process ends without a word (its connection drops) and starts again on the same store and resource. */
    private static SottoParty restart(HostileScene scene) throws Exception {
        scene.bob.manager.disable();
        scene.bob.connection.instantShutdown();
        return new SottoParty(scene.bob.account).connect(scene.server.connectionVia("bob",
                scene.bobJid().getResourceOrThrow().toString(), scene.relay.port()));
    }

    private static String body(DecryptedStanza stanza) {
        return ((Message) stanza.stanza()).getBody();
    }
}
