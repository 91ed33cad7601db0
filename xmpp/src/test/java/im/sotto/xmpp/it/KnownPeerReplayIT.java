package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.EntityFullJid;

/**
 * Issue 15, "a replayed known-peer message 1 replaces a session and can withdraw verification". A server records
 * alice's IK message 1 to bob and sends it again: at once, after bob restarts (a new manager on the same store: the
 * in-memory replay memory is empty), and after three more sessions moved the retained secrets on (the replayed
 * proof no longer matches: before the fix, bob reported ContinuityBroken and dropped alice from VERIFIED). Each time:
 * bob's session record is byte for byte unchanged, alice stays VERIFIED, no ContinuityBroken, and the replay is
 * reported (DUPLICATE at once, HandshakeUnconfirmed when the replay memory no longer knows it).
 */
@ExtendWith(XmppServersExtension.class)
class KnownPeerReplayIT {
    private static final int KNOWN_PEER_INIT = 0x16;
    private static final Pattern PAYLOAD = Pattern.compile("<encrypted[^>]*kind=['\"]handshake['\"][^>]*>([^<]+)<");

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aReplayedKnownPeerMessageOneChangesNoSessionAndNoTrust(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            bob.manager.setHandshakeTimeout(HostileScene.SHORT_HANDSHAKE_TIMEOUT);
            alice.manager.send(scene.secretChat(scene.bobJid(), "hello " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("hello " + scene.suffix, body(bob));
            // Bob's reply acknowledges hello: a renewal then owes nothing to send again (protocol.md 7.3), so no
            // stanza follows the handshakes this test replays and bob's record stays as the renewal left it.
            bob.manager.send(scene.secretChat(scene.aliceJid(), "ack " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("ack " + scene.suffix, body(alice));
            assertTrue(bob.manager.markVerified(scene.aliceJid().asBareJid()));

            // A known-peer handshake the server records.
            RelayedStanza recorded = renewAndRecord(scene);
            byte[] before = ReplayIT.sessionOf(bob, alice);

            // 1. At once: the replay memory knows it.
            bob.events.clear();
            scene.relay.forward(recorded);
            bob.awaitEvent(SecurityEvent.UndecryptableStanza.class, e -> e.reason() == UndecryptableReason.DUPLICATE
                    && e.detail().contains("handshake"));
            assertUnchanged(scene, before, "replayed at once");

            // 2. After a restart: a new manager on the same store remembers nothing. The server addresses the
            // recorded stanza to bob's new resource.
            EntityFullJid recordedTo = bob.connection.getUser();
            SottoParty bobAgain = restart(scene, bob, "b2-");
            SottoParty bobThird = null;
            try {
                replayTo(scene, bobAgain, recorded, recordedTo);
                assertUnchanged(scene, bobAgain, before, "replayed after a restart");

                // 3. Three more sessions move the retained secrets on; bob restarts again; the replayed proof now
                // matches none of bob's secrets (before the fix: ContinuityBroken, alice no longer VERIFIED).
                for (int i = 0; i < 3; i++) {
                    renewAndRecord(scene, bobAgain);
                }
                bobThird = restart(scene, bobAgain, "b3-");
                byte[] moved = ReplayIT.sessionOf(bobThird, alice);
                replayTo(scene, bobThird, recorded, recordedTo);
                assertUnchanged(scene, bobThird, moved, "replayed after three more sessions and a restart");

                // The real sessions still work.
                alice.manager.send(scene.secretChat(bobThird.connection.getUser(), "still here " + scene.suffix))
                        .get(20, TimeUnit.SECONDS);
                assertEquals("still here " + scene.suffix, body(bobThird));
            } finally {
                bobAgain.disconnect();
                if (bobThird != null) {
                    bobThird.disconnect();
                }
            }
        }
    }

    /** Bob's device restarts: the connection closes, a new manager on the same account and store logs in. */
    private static SottoParty restart(HostileScene scene, SottoParty bob, String resourcePrefix) throws Exception {
        bob.disconnect();
        SottoParty again = new SottoParty(bob.account).connect(scene.server.connectionVia("bob",
                resourcePrefix + scene.suffix, scene.relay.port()));
        again.manager.setHandshakeTimeout(HostileScene.SHORT_HANDSHAKE_TIMEOUT);
        return again;
    }

    /** The replay on bob's current connection: answered, never confirmed, reported, dropped. */
    private static void replayTo(HostileScene scene, SottoParty bob, RelayedStanza recorded, EntityFullJid recordedTo)
            throws Exception {
        bob.events.clear();
        String now = bob.connection.getUser().toString();
        scene.relay.inject(scene.relay.link(now), RelayedStanza.Direction.TO_CLIENT,
                recorded.xml().replace(recordedTo.toString(), now));
        var unconfirmed = bob.awaitEvent(SecurityEvent.HandshakeUnconfirmed.class, e -> true);
        assertEquals(scene.aliceJid(), unconfirmed.from());
    }

    private static void assertUnchanged(HostileScene scene, byte[] before, String when) {
        assertUnchanged(scene, scene.bob, before, when);
    }

    private static void assertUnchanged(HostileScene scene, SottoParty bob, byte[] before, String when) {
        assertArrayEquals(before, ReplayIT.sessionOf(bob, scene.alice), when + ": bob's session is unchanged");
        assertEquals(Optional.of(TrustLevel.VERIFIED), bob.manager.trustLevel(scene.aliceJid().asBareJid()),
                when + ": alice stays verified");
        assertTrue(bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.ContinuityBroken
                || e instanceof SecurityEvent.SessionEstablished), when + ": no new session, no alarm");
    }

    private static RelayedStanza renewAndRecord(HostileScene scene) throws Exception {
        return renewAndRecord(scene, scene.bob);
    }

    /** Alice renews her session with bob (IK); returns the stanza that carried message 1, as bob received it. */
    private static RelayedStanza renewAndRecord(HostileScene scene, SottoParty bob) throws Exception {
        int seenBefore = ReplayIT.sottoTo(scene, bob).size();
        bob.events.clear();
        scene.alice.events.clear();
        scene.alice.manager.renewSession(bob.connection.getUser());
        var done = bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
        assertEquals(Optional.of(Continuity.CONFIRMED), done.continuity(), "a genuine IK handshake");
        // Bob's confirmation (an empty ratchet message, protocol.md 7.3) advances his session after his event; alice
        // reports the session once it opened, so from then on bob's record is settled and can be compared.
        scene.alice.awaitEvent(SecurityEvent.class, e -> e instanceof SecurityEvent.SessionEstablished
                || e instanceof SecurityEvent.SessionHealed);
        List<RelayedStanza> delivered = ReplayIT.sottoTo(scene, bob);
        return delivered.subList(seenBefore, delivered.size()).stream()
                .filter(r -> HostileScene.carries(r, SottoEncrypted.Kind.HANDSHAKE) && type(r) == KNOWN_PEER_INIT)
                .findFirst().orElseThrow(() -> new AssertionError("no IK message 1 delivered to bob"));
    }

    private static int type(RelayedStanza stanza) {
        Matcher m = PAYLOAD.matcher(stanza.xml());
        if (!m.find()) {
            return -1;
        }
        byte[] payload = Base64.getMimeDecoder().decode(m.group(1).trim());
        return payload.length > 1 ? payload[1] & 0xff : -1;
    }

    private static String body(SottoParty party) throws InterruptedException {
        return ((Message) party.next().stanza()).getBody();
    }
}
