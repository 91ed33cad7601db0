package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SequenceRange;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages alice sent under a session that a new one then replaced, still on the way when it was replaced (a hostile
 * or slow server holds them): alice sends them again under the new session, bob never acknowledged them
 * (docs/protocol.md 7.3, "Sent again under the new session"); bob's device keeps the replaced session for receiving,
 * so the late originals still open there, with no broken session and no heal, and each message is delivered exactly
 * once (the originals arriving after their copies are not shown again); a replay of one is a DUPLICATE that changes
 * nothing, and a forged one under the replaced session is TAMPERED and changes nothing.
 */
@ExtendWith(XmppServersExtension.class)
class PreviousSessionsIT {
    private static final Pattern PAYLOAD = Pattern.compile("(<encrypted[^>]*>)([A-Za-z0-9+/=]+)(</encrypted>)");
    private static final int HELD = 5;

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (ServerKind kind : ServerKind.values()) {
            cases.add(Arguments.of(kind, true));
            cases.add(Arguments.of(kind, false));
        }
        return cases;
    }

    /** {@code aliceRenews}: the new session is alice's handshake (the sender's), else bob's (the receiver's). */
    @ParameterizedTest(name = "{0}, alice renews: {1}")
    @MethodSource("cases")
    void messagesInFlightUnderAReplacedSessionAreDeliveredOnceWithoutAHeal(ServerKind kind, boolean aliceRenews,
            XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            alice.manager.send(scene.secretChat(scene.bobJid(), "hello " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("hello " + scene.suffix, body(bob));
            bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);

            AtomicBoolean holding = new AtomicBoolean(true);
            List<RelayedStanza> held = new ArrayList<>();
            scene.relay.rule(stanza -> {
                if (holding.get() && HostileScene.sentBy(stanza, alice)
                        && HostileScene.carries(stanza, SottoEncrypted.Kind.RATCHET)) {
                    held.add(stanza);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            for (int i = 0; i < HELD; i++) {
                alice.manager.send(scene.secretChat(scene.bobJid(), "old " + i + " " + scene.suffix))
                        .get(20, TimeUnit.SECONDS);
            }
            HostileScene.awaitSize(held, HELD);
            holding.set(false);

            bob.events.clear();
            alice.events.clear();
            if (aliceRenews) {
                alice.manager.renewSession(bob.connection.getUser());
            } else {
                bob.manager.renewSession(alice.connection.getUser());
            }
            bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            // Under the new session, as soon as it carries content: the five bob never acknowledged, in order
            // ("hello", which bob had but never acknowledged either, went again too and was recognised).
            for (int i = 0; i < HELD; i++) {
                assertEquals("old " + i + " " + scene.suffix, body(bob), "sent again, in order; bob saw " + bob.events);
            }
            alice.manager.send(scene.secretChat(scene.bobJid(), "new " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("new " + scene.suffix, body(bob), "the new session works, and hello was not shown twice");
            assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.NotAcknowledged),
                    "nothing reported lost: " + alice.events);
            int bobHandshakes = bobHandshakes(scene);

            // The originals, late and out of order: 0, 2 (proves 1 missing), 1 (late), 3; 4 is first forged, then
            // arrives genuine. Each opens under the replaced session and is not shown again.
            scene.relay.forward(held.get(0));
            scene.relay.forward(held.get(2));
            var missing = bob.awaitEvent(SecurityEvent.MessagesMissing.class, e -> true);
            assertEquals(1, missing.ranges().size());
            SequenceRange gap = missing.ranges().get(0);
            assertEquals(gap.first(), gap.last(), "exactly one missing: " + gap);
            scene.relay.forward(held.get(1));
            assertEquals(gap.first(), bob.awaitEvent(SecurityEvent.ArrivedLate.class, e -> true).sequence());
            scene.relay.forward(held.get(3));

            RelayedStanza last = held.get(4);
            scene.relay.inject(last.link(), last.direction(), forged(last.xml()));
            bob.awaitEvent(SecurityEvent.UndecryptableStanza.class, e -> e.reason() == UndecryptableReason.TAMPERED);
            byte[] before = ReplayIT.sessionOf(bob, alice);
            scene.relay.forward(last);
            long deadline = System.nanoTime() + SottoParty.WAIT_MS * 1_000_000;
            while (java.util.Arrays.equals(before, ReplayIT.sessionOf(bob, alice)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(!java.util.Arrays.equals(before, ReplayIT.sessionOf(bob, alice)),
                    "the genuine one still opens after the forgery (its key is spent)");

            byte[] opened = ReplayIT.sessionOf(bob, alice);
            scene.relay.forward(held.get(2));
            bob.awaitEvent(SecurityEvent.UndecryptableStanza.class, e -> e.reason() == UndecryptableReason.DUPLICATE);
            assertNull(bob.inbox.poll(1, TimeUnit.SECONDS), "each delivered exactly once; events: " + bob.events);
            assertArrayEquals(opened, ReplayIT.sessionOf(bob, alice), "a replay changes no state");

            assertEquals(List.of(), bob.events.stream().filter(e -> e instanceof SecurityEvent.SessionHealed
                    || e instanceof SecurityEvent.UndecryptableStanza u && u.reason() != UndecryptableReason.TAMPERED
                    && u.reason() != UndecryptableReason.DUPLICATE).toList(), "no broken session, no heal");
            assertEquals(1, bob.events.stream().filter(e -> e instanceof SecurityEvent.SessionEstablished).count(),
                    "no session but the renewal");
            assertEquals(bobHandshakes, bobHandshakes(scene), "bob started no handshake");
            alice.manager.send(scene.secretChat(scene.bobJid(), "still new " + scene.suffix))
                    .get(20, TimeUnit.SECONDS);
            assertEquals("still new " + scene.suffix, body(bob), "the new session is still the one in use");
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * Bob's first reply to alice's offline first message is held; alice meanwhile replaces that session (still
     * awaiting the reply) with an online one. The reply then arrives under the replaced session: it proves bob's
     * device there, is delivered once as authenticated, and triggers no heal.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aFirstReplyUnderAReplacedOfflineSessionConfirmsItAndIsDelivered(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            // To the bare JID, with no resource of bob's known to alice: an offline first message.
            alice.manager.send(scene.secretChat(scene.bobAccount(), "first " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("first " + scene.suffix, body(bob));
            assertEquals(SessionOrigin.OFFLINE_FIRST_MESSAGE,
                    bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true).origin());

            List<RelayedStanza> held = new ArrayList<>();
            AtomicBoolean holding = new AtomicBoolean(true);
            scene.relay.rule(stanza -> {
                if (holding.get() && HostileScene.sentBy(stanza, bob)
                        && HostileScene.carries(stanza, SottoEncrypted.Kind.RATCHET)) {
                    held.add(stanza);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            bob.manager.send(scene.secretChat(scene.aliceJid(), "reply " + scene.suffix)).get(20, TimeUnit.SECONDS);
            HostileScene.awaitSize(held, 1);
            holding.set(false);

            alice.events.clear();
            alice.manager.renewSession(bob.connection.getUser());
            alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);

            scene.relay.forward(held.get(0));
            var reply = alice.next();
            assertEquals("reply " + scene.suffix, ((Message) reply.stanza()).getBody());
            assertTrue(reply.authenticated(), "the reply proved bob's device under the replaced session");
            assertNull(alice.inbox.poll(1, TimeUnit.SECONDS), "delivered once");
            assertEquals(List.of(), alice.events.stream().filter(e -> e instanceof SecurityEvent.SessionHealed
                    || e instanceof SecurityEvent.UndecryptableStanza).toList(), "no broken session, no heal");
            scene.assertNothingSecretOnTheWire();
        }
    }

    /** The stanza with the last byte of its ratchet payload (the payload's tag) flipped: the header still opens. */
    private static String forged(String xml) {
        Matcher m = PAYLOAD.matcher(xml);
        assertTrue(m.find(), xml);
        byte[] payload = Base64.getDecoder().decode(m.group(2));
        payload[payload.length - 1] ^= 0x01;
        return xml.substring(0, m.start(2)) + Base64.getEncoder().encodeToString(payload) + xml.substring(m.end(2));
    }

    private static int bobHandshakes(HostileScene scene) {
        return scene.relay.seen(r -> HostileScene.sentBy(r, scene.bob)
                && HostileScene.carries(r, SottoEncrypted.Kind.HANDSHAKE)).size();
    }

    private static String body(SottoParty party) throws InterruptedException {
        return ((Message) party.next().stanza()).getBody();
    }
}
