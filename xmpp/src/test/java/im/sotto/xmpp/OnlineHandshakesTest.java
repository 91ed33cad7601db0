package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.session.HandshakeFailure;
import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

class OnlineHandshakesTest {
    /**
     * A reply or finish (0x11, 0x12, 0x13) reaching a device with no handshake in flight with its sender: what a
     * restarted process or a timed-out attempt sees. Reported as stale, not as tampering, answered with nothing, and
     * nothing is stored.
     */
    @Test
    void aStepForNoHandshakeInFlightIsStaleNotTampered() throws Exception {
        InMemoryAccountStore store = new InMemoryAccountStore();
        SottoAccount account = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC());
        OnlineHandshakes handshakes = new OnlineHandshakes(account, event -> { }, peer -> false);
        Jid alice = JidCreate.from("alice@example.org/phone");
        Jid bob = JidCreate.from("bob@example.org/laptop");
        for (int type : new int[] {0x11, 0x12, 0x13}) {
            byte[] payload = new byte[96];
            new SecureRandom().nextBytes(payload);
            payload[0] = 1;
            payload[1] = (byte) type;
            OnlineHandshakes.Step step = handshakes.receive(alice, bob, payload);
            OnlineHandshakes.Failed failed = HandshakeSteps.failed(step).orElseThrow();
            assertEquals(HandshakeFailure.STALE, failed.failure(), failed.describe());
            assertTrue(HandshakeSteps.reply(step).isEmpty() && HandshakeSteps.established(step).isEmpty());
        }
        int sessions = store.transact(s -> s.sessions().addresses().size());
        assertEquals(0, sessions);
    }

    /**
     * Bob answers alice's message 1, then starts his own handshake with her (his queue, a heal) before her message 3
     * arrives. Message 3 then meets bob's initiator: a message only an initiator sends, so it belongs to the earlier
     * handshake. It is reported STALE (it used to be TAMPERED, "INITIATOR_FINISH while AWAIT_RESPONSE") and bob's own
     * handshake goes on: alice's answer to it still completes it (it used to have been dropped with the error).
     */
    @Test
    void aStaleFinishIsNotTamperingAndTheHandshakeInFlightGoesOn() throws Exception {
        OnlineHandshakes alice = new OnlineHandshakes(SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(),
                Clock.systemUTC()), event -> { }, peer -> true);
        OnlineHandshakes bob = new OnlineHandshakes(SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(),
                Clock.systemUTC()), event -> { }, peer -> true);
        Jid aliceJid = JidCreate.from("alice@example.org/phone");
        Jid bobJid = JidCreate.from("bob@example.org/laptop");

        byte[] aliceOpening = alice.start(bobJid, java.util.Optional.empty());
        byte[] bobAnswer = HandshakeSteps.reply(bob.receive(aliceJid, bobJid, aliceOpening)).orElseThrow();
        byte[] bobOpening = bob.start(aliceJid, java.util.Optional.empty());
        OnlineHandshakes.Step aliceDone = alice.receive(bobJid, aliceJid, bobAnswer);
        assertTrue(HandshakeSteps.established(aliceDone).isPresent(), "alice completes on bob's answer (XX)");
        byte[] aliceFinish = HandshakeSteps.reply(aliceDone).orElseThrow();

        OnlineHandshakes.Failed stale = HandshakeSteps.failed(bob.receive(aliceJid, bobJid, aliceFinish)).orElseThrow();
        assertEquals(HandshakeFailure.STALE, stale.failure(), stale.describe());
        assertTrue(bob.inFlight(aliceJid), "bob's own handshake is still in flight");

        byte[] aliceAnswer = HandshakeSteps.reply(alice.receive(bobJid, aliceJid, bobOpening)).orElseThrow();
        OnlineHandshakes.Step bobStep = bob.receive(aliceJid, bobJid, aliceAnswer);
        assertTrue(HandshakeSteps.failed(bobStep).isEmpty(), () -> HandshakeSteps.failed(bobStep).get().describe());
        assertTrue(HandshakeSteps.established(bobStep).isPresent(), "bob's handshake completes on alice's answer");
    }

    /**
     * A stranger (no trust record, no roster item) opens a handshake offering every mode, as an identity prober
     * would. Under the default policy bob answers in the responder-protected mode: after message 2 the stranger has
     * learned nothing (no result, no certificate), and after it showed its own identity in message 3 bob ends the
     * handshake without message 4. Before the policy, bob answered with XX message 2 and the stranger's initiator
     * completed with bob's certificate in hand.
     */
    @Test
    void aStrangersOpeningLearnsNothingAboutTheResponder() throws Exception {
        SottoAccount bob = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC());
        OnlineHandshakes bobHandshakes = new OnlineHandshakes(bob, event -> { }, peer -> false);
        OnlineInitiator stranger = OnlineInitiator.create(HandshakeConfig.builder(strangerDevice()).build(),
                new SecureRandom(), Clock.systemUTC());
        Jid strangerJid = JidCreate.from("mallory@example.net/probe");
        Jid bobJid = JidCreate.from("bob@example.org/laptop");

        OnlineHandshakes.Step answer = bobHandshakes.receive(strangerJid, bobJid, stranger.start());
        HandshakeStep afterTwo = stranger.receive(((OnlineHandshakes.Reply) answer).message(), new byte[0]);
        assertTrue(afterTwo.result().isEmpty(), "message 2 must not complete the stranger's handshake");
        OnlineHandshakes.Step end = bobHandshakes.receive(strangerJid, bobJid, afterTwo.message().orElseThrow());
        OnlineHandshakes.Failed refused = assertInstanceOf(OnlineHandshakes.Failed.class, end,
                "no message 4 and no session for a stranger");
        assertEquals(HandshakeFailure.REJECTED_BY_POLICY, refused.failure(), refused.describe());
    }

    /** The same opening from a contact gets XX: the initiator completes on message 2 with bob's certificate. */
    @Test
    void aContactsOpeningGetsTheOneRoundHandshake() throws Exception {
        SottoAccount bob = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC());
        OnlineHandshakes bobHandshakes = new OnlineHandshakes(bob, event -> { }, peer -> true);
        OnlineInitiator contact = OnlineInitiator.create(HandshakeConfig.builder(strangerDevice()).build(),
                new SecureRandom(), Clock.systemUTC());
        OnlineHandshakes.Step answer = bobHandshakes.receive(JidCreate.from("alice@example.org/phone"),
                JidCreate.from("bob@example.org/laptop"), contact.start());
        HandshakeStep afterTwo = contact.receive(((OnlineHandshakes.Reply) answer).message(), new byte[0]);
        assertArrayEquals(bob.device().certificate().encoded(),
                afterTwo.result().orElseThrow().peerCertificate().encoded());
    }

    private static DeviceIdentity strangerDevice() {
        return SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC()).device();
    }
}
