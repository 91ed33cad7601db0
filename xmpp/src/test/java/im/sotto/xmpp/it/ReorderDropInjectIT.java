package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.RefusalReason;
import im.sotto.xmpp.SequenceRange;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.it.RelayedStanza.Direction;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server that reorders, drops, forges and redirects ratchet messages in an established session. Each is reported
 * as what it is: a reordered message as missing, then late (and delivered once); a dropped one as missing; the
 * last ones dropped as not acknowledged by the peer's next reply; a forged or altered one as undecryptable, a
 * redirected one as tampered; none is delivered as genuine and none changes the session.
 */
@ExtendWith(XmppServersExtension.class)
class ReorderDropInjectIT {
    /**
     * Alice's session-wide number of her test message 1: her ratchet message 0 is the empty one travelling with
     * handshake message 3 (content waits for bob's confirmation), "hello" is message 1.
     */
    private static final long M1 = 2;

    /** An online session in which alice's first message ("hello", her message 1) was read by bob. */
    private static void establish(HostileScene scene) throws Exception {
        scene.alice.manager.send(scene.secretChat(scene.bobJid(), "hello " + scene.suffix)).get(20, TimeUnit.SECONDS);
        assertEquals("hello " + scene.suffix, body(scene.bob));
    }

    /** Alice's message {@code n} of this test (her session-wide number {@code M1 + n - 1}). */
    private static void send(HostileScene scene, int n) throws Exception {
        scene.alice.manager.send(scene.secretChat(scene.bobJid(), "m" + n + " " + scene.suffix))
                .get(20, TimeUnit.SECONDS);
    }

    /** A rule acting on alice's ratchet messages only, numbered from 1 after arming; the rest passes. */
    private interface RatchetRule {
        List<String> apply(int number, RelayedStanza stanza);
    }

    private static void onAlicesMessages(HostileScene scene, RatchetRule rule) {
        AtomicInteger number = new AtomicInteger();
        scene.relay.rule(stanza -> HostileScene.sentBy(stanza, scene.alice)
                && HostileScene.carries(stanza, SottoEncrypted.Kind.RATCHET)
                ? rule.apply(number.incrementAndGet(), stanza) : List.of(stanza.xml()));
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aReorderedMessageIsReportedMissingThenLateAndDeliveredOnce(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            List<RelayedStanza> held = new ArrayList<>();
            onAlicesMessages(scene, (n, stanza) -> {
                if (n == 1) {
                    held.add(stanza);
                    return List.of();
                }
                return n == 2 ? List.of(stanza.xml(), held.get(0).xml()) : List.of(stanza.xml());
            });
            send(scene, 1);
            send(scene, 2);
            assertEquals("m2 " + scene.suffix, body(scene.bob));
            assertEquals("m1 " + scene.suffix, body(scene.bob));
            SottoParty bob = scene.bob;
            long device = scene.alice.account.device().deviceId();
            var missing = bob.awaitEvent(SecurityEvent.MessagesMissing.class, e -> true);
            assertEquals(List.of(SequenceRange.of(M1, M1)), missing.ranges());
            assertEquals(device, missing.deviceId());
            var late = bob.awaitEvent(SecurityEvent.ArrivedLate.class, e -> true);
            assertEquals(M1, late.sequence());
            assertNull(bob.inbox.poll(1, TimeUnit.SECONDS), "each delivered once");
            assertTrue(bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.UndecryptableStanza), bob.events.toString());
            scene.assertNothingSecretOnTheWire();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aMessageDroppedInTheMiddleIsReportedMissing(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            onAlicesMessages(scene, (n, stanza) -> n == 2 ? List.of() : List.of(stanza.xml()));
            for (int n = 1; n <= 3; n++) {
                send(scene, n);
            }
            assertEquals("m1 " + scene.suffix, body(scene.bob));
            assertEquals("m3 " + scene.suffix, body(scene.bob));
            var missing = scene.bob.awaitEvent(SecurityEvent.MessagesMissing.class, e -> true);
            assertEquals(List.of(SequenceRange.of(M1 + 1, M1 + 1)), missing.ranges());
            assertNull(scene.bob.inbox.poll(1, TimeUnit.SECONDS), "nothing else arrives");
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * The last three of alice's messages are dropped: bob cannot know, so alice is told. A minute later (her clock
     * moved) bob's reply acknowledges only what he got, and alice reports her messages 3 to 5 not acknowledged.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void theLastThreeDroppedAreReportedNotAcknowledgedByTheNextReply(ServerKind kind, XmppServers servers)
            throws Exception {
        MutableClock aliceClock = new MutableClock();
        SottoParty alice = new SottoParty(SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), aliceClock));
        try (HostileScene scene = new HostileScene(servers.get(kind), alice, new SottoParty())) {
            establish(scene);
            onAlicesMessages(scene, (n, stanza) -> n >= 3 ? List.of() : List.of(stanza.xml()));
            for (int n = 1; n <= 5; n++) {
                send(scene, n);
            }
            assertEquals("m1 " + scene.suffix, body(scene.bob));
            assertEquals("m2 " + scene.suffix, body(scene.bob));
            assertNull(scene.bob.inbox.poll(1, TimeUnit.SECONDS), "the last three never arrive");
            assertTrue(scene.bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.MessagesMissing),
                    "the receiver cannot see a loss at the end");

            aliceClock.advance(Duration.ofMinutes(2));
            scene.bob.manager.send(scene.secretChat(scene.aliceJid(), "got two " + scene.suffix))
                    .get(20, TimeUnit.SECONDS);
            assertEquals("got two " + scene.suffix, body(alice));
            var lost = alice.awaitEvent(SecurityEvent.NotAcknowledged.class, e -> true);
            assertEquals(SequenceRange.of(M1 + 2, M1 + 4), lost.range());
            assertEquals(scene.bob.account.device().deviceId(), lost.deviceId());
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * Forgeries the server can make: a message with one ciphertext byte altered (TAMPERED, not delivered), and one
     * made of random bytes (no key opens it: BROKEN_SESSION, and at most one rate-limited healing handshake).
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void forgedMessagesAreUndecryptableAndNeverDelivered(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            List<RelayedStanza> genuine = new java.util.concurrent.CopyOnWriteArrayList<>();
            onAlicesMessages(scene, (n, stanza) -> {
                genuine.add(stanza);
                return List.of();
            });
            send(scene, 1);
            HostileScene.awaitSize(genuine, 1);
            byte[] before = ReplayIT.sessionOf(scene.bob, scene.alice);
            HostileRelay.Link bobLink = scene.relay.link(scene.bobJid().toString());
            String outer = genuine.get(0).xml();
            String altered = editPayload(outer, payload -> payload[payload.length - 1] ^= 0x01);
            scene.relay.inject(bobLink, Direction.TO_CLIENT, withFrom(altered, scene.aliceJid().toString()));
            scene.bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.TAMPERED);
            assertArrayEquals(before, ReplayIT.sessionOf(scene.bob, scene.alice), "a tampered message changes nothing");

            byte[] noise = new byte[200];
            new SecureRandom().nextBytes(noise);
            noise[0] = 1;
            String forged = editPayload(outer, payload -> System.arraycopy(noise, 0, payload, 0,
                    Math.min(noise.length, payload.length)));
            scene.relay.inject(bobLink, Direction.TO_CLIENT, withFrom(forged, scene.aliceJid().toString()));
            scene.bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.BROKEN_SESSION);
            assertNull(scene.bob.inbox.poll(1, TimeUnit.SECONDS), "no forgery is delivered");
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * Redirected to another account (the outer {@code to} names carol while bob's device gets it): the associated data
     * binds the recipient's account, so it is TAMPERED. Presented as sent by another of alice's resources (the server
     * rewrites the outer {@code from}): the associated data binds the sender's full JID, so it fails authentication
     * too, TAMPERED. Neither is delivered and neither changes bob's session (no message key is spent: the next
     * genuine message arrives and the two count as missing). A binding that left the resource out of the associated
     * data would deliver the second as alice's; one that checked it only after decryption would spend its key.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void redirectedAndReattributedMessagesAreTampered(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            byte[] before = ReplayIT.sessionOf(scene.bob, scene.alice);
            String carol = "carol@" + scene.server.domain() + "/elsewhere";
            String otherAlice = scene.aliceJid().asBareJid() + "/impostor";
            AtomicInteger number = new AtomicInteger();
            scene.relay.rule(stanza -> {
                if (!stanza.toClient() || !HostileScene.carries(stanza, SottoEncrypted.Kind.RATCHET)
                        || !scene.aliceJid().toString().equals(stanza.attribute("from"))) {
                    return List.of(stanza.xml());
                }
                int n = number.incrementAndGet();
                return List.of(n == 1 ? StanzaText.withAttribute(stanza.xml(), "to", carol)
                        : n == 2 ? StanzaText.withAttribute(stanza.xml(), "from", otherAlice) : stanza.xml());
            });
            send(scene, 1);
            var redirected = scene.bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.TAMPERED);
            assertEquals(scene.aliceJid(), redirected.from());
            scene.bob.events.clear();
            send(scene, 2);
            var reattributed = scene.bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.TAMPERED);
            assertEquals(otherAlice, reattributed.from().toString());
            assertNull(scene.bob.inbox.poll(1, TimeUnit.SECONDS), "nothing redirected is delivered as genuine");
            assertArrayEquals(before, ReplayIT.sessionOf(scene.bob, scene.alice),
                    "neither spends a message key: bob's session is unchanged");
            send(scene, 3);
            DecryptedStanza third = scene.bob.next();
            assertEquals("m3 " + scene.suffix, ((Message) third.stanza()).getBody());
            var missing = scene.bob.awaitEvent(SecurityEvent.MessagesMissing.class, e -> true);
            assertEquals(List.of(SequenceRange.of(M1, M1 + 1)), missing.ranges(),
                    "the redirected and the reattributed one count as missing");
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * The server changes the type of alice's chat messages (to headline, then groupchat): the type is bound into
     * the ciphertext's associated data, so the headline is TAMPERED; the groupchat one is refused before decryption
     * (SessionRefused GROUPCHAT). Nothing is delivered, the session is unchanged, and the next genuine message still
     * arrives.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aChangedTypeIsTampered(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            establish(scene);
            byte[] before = ReplayIT.sessionOf(scene.bob, scene.alice);
            onAlicesMessages(scene, (n, stanza) -> n > 2 ? List.of(stanza.xml())
                    : List.of(StanzaText.withAttribute(stanza.xml(), "type", n == 1 ? "headline" : "groupchat")));
            send(scene, 1);
            scene.bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.TAMPERED);
            scene.bob.events.clear();
            // A groupchat stanza is refused before any decryption is tried (no session for many-to-many traffic).
            send(scene, 2);
            scene.bob.awaitEvent(SecurityEvent.SessionRefused.class,
                    e -> e.reason() == RefusalReason.GROUPCHAT);
            scene.bob.events.clear();
            assertNull(scene.bob.inbox.poll(500, TimeUnit.MILLISECONDS), "a retyped message is not delivered");
            assertArrayEquals(before, ReplayIT.sessionOf(scene.bob, scene.alice), "the session is unchanged");
            send(scene, 3);
            DecryptedStanza third = scene.bob.next();
            assertEquals("m3 " + scene.suffix, ((Message) third.stanza()).getBody());
            assertEquals(Message.Type.chat, ((Message) third.stanza()).getType());
            var missing = scene.bob.awaitEvent(SecurityEvent.MessagesMissing.class, e -> true);
            assertEquals(List.of(SequenceRange.of(M1, M1 + 1)), missing.ranges(),
                    "the two retyped ones count as missing");
            scene.assertNothingSecretOnTheWire();
        }
    }

    private static String editPayload(String outer, SottoPayload.Edit edit) {
        return SottoPayload.edit(outer, SottoEncrypted.Kind.RATCHET, edit);
    }

    /** What the server stamps on a stanza it routes: the sender's full JID. */
    private static String withFrom(String stanza, String from) {
        return StanzaText.withAttribute(stanza, "from", from);
    }

    private static String body(SottoParty party) throws InterruptedException {
        return ((Message) party.next().stanza()).getBody();
    }

}
