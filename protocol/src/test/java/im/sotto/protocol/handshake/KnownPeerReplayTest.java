package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.Continuity;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "a replayed known-peer message 1": the IK responder completes on message 1, so a recorded message 1
 * yields a responder result whenever it is replayed. What makes committing on liveness (docs/protocol.md 4.6) safe is
 * shown here in the core: the initiator's first ratchet message opens under the genuine responder session, and
 * nothing a replayer holds (the recorded ratchet messages of the genuine session) opens under a replay's session,
 * at once, on a restarted responder, or after three more sessions, when the replay's continuity verdict is even
 * BROKEN (the verdict a binding must therefore never act on before liveness).
 */
class KnownPeerReplayTest {
    private static final byte[] AD = "alice -> bob".getBytes(StandardCharsets.US_ASCII);
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);
    private final RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
    private final RetainedSecretMemory bobMemory = new RetainedSecretMemory();

    @Test
    void aReplayedMessageOneNeverGetsALivenessProof() throws Exception {
        keep(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, random));
        // A genuine IK handshake; the server records message 1 and alice's first ratchet messages after it.
        OnlineInitiator initiator = OnlineInitiator.create(config(alice, aliceMemory), random, TestDevices.CLOCK);
        OnlineResponder responder = OnlineResponder.create(config(bob, bobMemory), random, TestDevices.CLOCK);
        byte[] recordedMessageOne = initiator.startKnownPeer(bob.certificate());
        Conversation genuine = Conversation.run(initiator, responder, recordedMessageOne, new byte[0], new byte[0],
                Conversation.Attacker.NONE);
        RatchetSession aliceSession = RatchetSession.start(genuine.initiatorResult.seed().toRatchetInit(), random,
                TestDevices.CLOCK);
        List<byte[]> recordedRatchet = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            recordedRatchet.add(aliceSession.encrypt(("message " + i).getBytes(StandardCharsets.UTF_8), AD));
        }
        assertTrue(opens(genuine.responderResult, recordedRatchet.get(0)), "the genuine initiator proves liveness");
        keep(genuine);

        // Replayed at once, and to a restarted responder (a new instance on the same memory): both answer...
        for (String when : List.of("at once", "after a restart")) {
            HandshakeResult replayed = replay(recordedMessageOne);
            assertEquals(Continuity.CONFIRMED, replayed.continuity(), when + ": the old proof still matches");
            assertNoLiveness(replayed, recordedRatchet, when);
        }

        // ...and after three more sessions, whose proofs moved bob's retained secrets on.
        for (int i = 0; i < 3; i++) {
            keep(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.KNOWN_PEER,
                    random));
        }
        HandshakeResult late = replay(recordedMessageOne);
        assertEquals(Continuity.BROKEN, late.continuity(),
                "a verdict the replayer caused: acted on before liveness, it would withdraw a verification");
        assertNoLiveness(late, recordedRatchet, "after three more sessions");
    }

    /** Bob, restarted or not, answers the replayed message 1: the handshake completes on his side. */
    private HandshakeResult replay(byte[] messageOne) throws HandshakeException {
        OnlineResponder fresh = OnlineResponder.create(config(bob, bobMemory), random, TestDevices.CLOCK);
        HandshakeStep step = fresh.receive(messageOne);
        assertTrue(step.message().isPresent(), "answered");
        return step.result().orElseThrow();
    }

    private void assertNoLiveness(HandshakeResult replayed, List<byte[]> recordedRatchet, String when)
            throws Exception {
        for (byte[] message : recordedRatchet) {
            assertFalse(opens(replayed, message), when + ": a recorded ratchet message proves nothing");
        }
    }

    /** The binding's liveness check: a ratchet message opens under (a copy of) the responder's new session. */
    private boolean opens(HandshakeResult responderResult, byte[] ratchetMessage) throws Exception {
        RatchetSession session = RatchetSession.start(responderResult.seed().toRatchetInit(), random,
                TestDevices.CLOCK);
        DecryptResult result = session.decrypt(ratchetMessage, AD);
        if (result instanceof DecryptResult.Decrypted) {
            return true;
        }
        assertInstanceOf(DecryptResult.Undecryptable.class, result);
        return false;
    }

    private static HandshakeConfig config(DeviceIdentity device, RetainedSecretLookup memory) {
        return HandshakeConfig.builder(device).retainedSecrets(memory).build();
    }

    private void keep(Conversation c) {
        boolean aliceStarted = java.util.Arrays.equals(c.responderResult.peerCertificate().deviceKey(),
                alice.certificate().deviceKey());
        HandshakeResult alices = aliceStarted ? c.initiatorResult : c.responderResult;
        HandshakeResult bobs = aliceStarted ? c.responderResult : c.initiatorResult;
        aliceMemory.put(bob.certificate(), alices.retainedSecretsToKeep());
        bobMemory.put(alice.certificate(), bobs.retainedSecretsToKeep());
    }
}
