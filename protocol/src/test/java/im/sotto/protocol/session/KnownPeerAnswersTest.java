package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeMode;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.handshake.UnconfirmedAnswer;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/**
 * Bob's known-peer answers to alice (moved from the binding, where only KnownPeerAnswerRestartTest and the ITs ran
 * them): an answer waits until alice's first ratchet message opens under it; a token names one answer, so a newer
 * answer to the same device does not count as the older one still waiting.
 */
class KnownPeerAnswersTest {
    private static final BareJid ALICE = BareJid.parse("alice@example.org");
    private static final byte[] AD = "alice -> bob".getBytes(StandardCharsets.US_ASCII);
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);
    private final InMemoryAccountStore bobsStore = new InMemoryAccountStore();
    private final KnownPeerAnswers answers = new KnownPeerAnswers(bobsStore, random, TestDevices.CLOCK);

    /** Alice's side of a known-peer handshake, and bob's answer to it (answered at {@code at}). */
    private record Answered(RatchetSession alicesSession, UnconfirmedAnswer answer) {
    }

    private Answered knownPeerHandshake(Instant at) throws Exception {
        OnlineInitiator initiator = OnlineInitiator.create(HandshakeConfig.builder(alice).build(), random,
                TestDevices.CLOCK);
        OnlineResponder responder = OnlineResponder.create(HandshakeConfig.builder(bob).build(), random,
                TestDevices.CLOCK);
        HandshakeStep answer = responder.receive(initiator.startKnownPeer(bob.certificate()));
        HandshakeResult bobs = answer.result().orElseThrow();
        assertEquals(HandshakeMode.KNOWN_PEER, bobs.selection().mode());
        HandshakeResult alices = initiator.receive(answer.message().orElseThrow()).result().orElseThrow();
        return new Answered(RatchetSession.start(alices.seed().toRatchetInit(), random, TestDevices.CLOCK),
                UnconfirmedAnswer.of(bobs, RatchetSession.start(bobs.seed().toRatchetInit(), random,
                        TestDevices.CLOCK), false, at));
    }

    private Optional<UnconfirmedAnswer> confirmed(byte[]... payloads) {
        return bobsStore.transact(stores -> answers.confirmed(stores, ALICE, List.of(payloads), AD));
    }

    @Test
    void anAnswerWaitsUntilTheInitiatorsFirstRatchetMessageOpensUnderIt() throws Exception {
        assertTrue(answers.newest(ALICE).isEmpty(), "no answer given yet");
        Answered handshake = knownPeerHandshake(T0);
        answers.keep(ALICE, handshake.answer());
        Object token = answers.newest(ALICE).orElseThrow();
        assertTrue(answers.stillUnconfirmed(ALICE, token));

        byte[] unrelated = knownPeerHandshake(T0).alicesSession().encrypt(new byte[] {1}, AD);
        assertTrue(confirmed(unrelated).isEmpty(), "a message of another session proves nothing");
        byte[] first = handshake.alicesSession().encrypt("first".getBytes(StandardCharsets.UTF_8), AD);
        UnconfirmedAnswer live = confirmed(unrelated, first).orElseThrow();
        assertEquals(T0, live.answeredAt());
        assertEquals(alice.certificate(), live.peerCertificate());
        assertTrue(answers.stillUnconfirmed(ALICE, token), "finding it commits nothing: the caller does");
    }

    @Test
    void aTokenNamesOneAnswerAndTheCacheFollowsTheStore() throws Exception {
        answers.keep(ALICE, knownPeerHandshake(T0).answer());
        Object older = answers.newest(ALICE).orElseThrow();
        answers.keep(ALICE, knownPeerHandshake(T0.plusSeconds(5)).answer());
        Object newer = answers.newest(ALICE).orElseThrow();
        assertNotEquals(older, newer, "keeping an answer refreshes the cached newest");
        assertTrue(answers.stillUnconfirmed(ALICE, newer));
        assertFalse(answers.stillUnconfirmed(ALICE, "not a token"));
        assertTrue(answers.newest(BareJid.parse("carol@example.org")).isEmpty());
    }
}
