package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stored IK answer that waits for liveness (docs/protocol.md 4.6, layout 11.5): it survives its record (what a
 * responder killed between its answer and the initiator's first ratchet message reads back), the genuine
 * initiator's first message confirms the copy read back, a replayed message 1's answer is confirmed by nothing the
 * initiator sends, and a damaged record is refused with a typed error.
 */
class UnconfirmedAnswerTest {
    private static final byte[] AD = "alice -> bob".getBytes(StandardCharsets.US_ASCII);
    private static final Instant ANSWERED = Instant.parse("2026-12-07T00:00:00Z");
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);
    private final RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
    private final RetainedSecretMemory bobMemory = new RetainedSecretMemory();

    @Test
    void anAnswerReadBackFromItsRecordIsConfirmedByTheGenuineInitiatorOnly() throws Exception {
        keep(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, random));
        OnlineInitiator initiator = OnlineInitiator.create(config(alice, aliceMemory), random, TestDevices.CLOCK);
        OnlineResponder responder = OnlineResponder.create(config(bob, bobMemory), random, TestDevices.CLOCK);
        byte[] messageOne = initiator.startKnownPeer(bob.certificate());
        Conversation genuine = Conversation.run(initiator, responder, messageOne, new byte[0], new byte[0],
                Conversation.Attacker.NONE);
        UnconfirmedAnswer stored = UnconfirmedAnswer.of(genuine.responderResult, RatchetSession.start(
                genuine.responderResult.seed().toRatchetInit(), random, TestDevices.CLOCK), true, ANSWERED);

        // The responder dies; what it reads back after its restart is all it has.
        byte[] record = stored.toRecord();
        UnconfirmedAnswer readBack = UnconfirmedAnswer.fromRecord(record);
        assertArrayEquals(record, readBack.toRecord(), "the record is canonical");
        assertEquals(Continuity.CONFIRMED, readBack.continuity());
        assertArrayEquals(bob.certificate().encoded(), genuine.initiatorResult.peerCertificate().encoded());
        assertArrayEquals(alice.certificate().encoded(), readBack.peerCertificate().encoded());
        assertArrayEquals(genuine.responderResult.retainedSecretsToKeep().toRecord(),
                readBack.retainedSecretsToKeep().toRecord());
        assertTrue(readBack.passwordProved());
        assertEquals(ANSWERED, readBack.answeredAt());

        RatchetSession aliceSession = RatchetSession.start(genuine.initiatorResult.seed().toRatchetInit(), random,
                TestDevices.CLOCK);
        byte[] first = aliceSession.encrypt("first".getBytes(StandardCharsets.UTF_8), AD);
        assertTrue(readBack.opensAny(List.of(first), AD, random, TestDevices.CLOCK), "liveness after a restart");
        assertTrue(readBack.session(random, TestDevices.CLOCK).decrypt(first, AD) instanceof DecryptResult.Decrypted,
                "the trial kept nothing: the committed session still reads the message");

        // The server replays message 1 to the restarted responder: answered, but nothing alice sends confirms it.
        OnlineResponder fresh = OnlineResponder.create(config(bob, bobMemory), random, TestDevices.CLOCK);
        HandshakeResult replayed = fresh.receive(messageOne).result().orElseThrow();
        UnconfirmedAnswer replayAnswer = UnconfirmedAnswer.fromRecord(UnconfirmedAnswer.of(replayed,
                RatchetSession.start(replayed.seed().toRatchetInit(), random, TestDevices.CLOCK), false, ANSWERED)
                .toRecord());
        byte[] second = aliceSession.encrypt("second".getBytes(StandardCharsets.UTF_8), AD);
        assertFalse(replayAnswer.opensAny(List.of(first, second), AD, random, TestDevices.CLOCK));
    }

    @Test
    void onlyAKnownPeerAnswerWaitsAndADamagedRecordIsRefused() throws Exception {
        Conversation xx = Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX,
                random);
        RatchetSession session = RatchetSession.start(xx.responderResult.seed().toRatchetInit(), random,
                TestDevices.CLOCK);
        assertThrows(IllegalArgumentException.class, () -> UnconfirmedAnswer.of(xx.responderResult, session, false,
                ANSWERED), "an XX responder commits on message 3; it has nothing to wait for");

        keep(xx);
        OnlineInitiator initiator = OnlineInitiator.create(config(alice, aliceMemory), random, TestDevices.CLOCK);
        OnlineResponder responder = OnlineResponder.create(config(bob, bobMemory), random, TestDevices.CLOCK);
        Conversation ik = Conversation.run(initiator, responder, initiator.startKnownPeer(bob.certificate()),
                new byte[0], new byte[0], Conversation.Attacker.NONE);
        byte[] record = UnconfirmedAnswer.of(ik.responderResult, RatchetSession.start(
                ik.responderResult.seed().toRatchetInit(), random, TestDevices.CLOCK), false, ANSWERED).toRecord();
        byte[] otherVersion = record.clone();
        otherVersion[0] = 2;
        assertThrows(MalformedInputException.class, () -> UnconfirmedAnswer.fromRecord(otherVersion));
        assertThrows(MalformedInputException.class, () -> UnconfirmedAnswer.fromRecord(Arrays.copyOf(record,
                record.length + 1)), "trailing bytes");
        assertThrows(MalformedInputException.class, () -> UnconfirmedAnswer.fromRecord(Arrays.copyOf(record,
                record.length - 1)), "cut short");
    }

    private static HandshakeConfig config(DeviceIdentity device, RetainedSecretLookup memory) {
        return HandshakeConfig.builder(device).retainedSecrets(memory).build();
    }

    private void keep(Conversation c) {
        aliceMemory.put(bob.certificate(), c.initiatorResult.retainedSecretsToKeep());
        bobMemory.put(alice.certificate(), c.responderResult.retainedSecretsToKeep());
    }
}
