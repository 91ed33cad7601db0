package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.Continuity;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Retained secrets (ZRTP-style continuity) across sessions, and the attacks they expose. */
class RetainedSecretTest {
    private final SecureRandom random = new SecureRandom();
    private final AccountIdentity aliceAccount = AccountIdentity.generate(random);
    private final AccountIdentity bobAccount = AccountIdentity.generate(random);
    private final DeviceIdentity alice = TestDevices.device(aliceAccount, random);
    private final DeviceIdentity bob = TestDevices.device(bobAccount, random);
    private final RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
    private final RetainedSecretMemory bobMemory = new RetainedSecretMemory();

    @Test
    void knownPeersConfirmAndMixTheirRetainedSecretSessionAfterSession() throws Exception {
        Conversation first = run(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, false);
        assertEquals(Continuity.NEW_PEER, first.initiatorResult.continuity());
        assertEquals(Continuity.NEW_PEER, first.responderResult.continuity());
        for (int i = 0; i < 3; i++) {
            Conversation next = run(alice, aliceMemory, bob, bobMemory, HandshakeMode.KNOWN_PEER, false);
            assertEquals(Continuity.CONFIRMED, next.initiatorResult.continuity(), "session " + i);
            assertEquals(Continuity.CONFIRMED, next.responderResult.continuity(), "session " + i);
            OnlineHandshakeTest.assertSeedsMatch(next.initiatorResult.seed(), next.responderResult.seed());
        }
    }

    @Test
    void aSessionThatReachedOnlyOneSideStillMatchesThroughThePreviousSecret() throws Exception {
        run(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, false);
        // The next session completes for Alice only (Bob crashed before storing): Alice moves on, Bob does not.
        RetainedSecretMemory bobBefore = bobMemory.copy();
        run(alice, aliceMemory, bob, bobMemory, HandshakeMode.KNOWN_PEER, false);
        Conversation c = run(alice, aliceMemory, bob, bobBefore, HandshakeMode.KNOWN_PEER, false);
        assertEquals(Continuity.CONFIRMED, c.initiatorResult.continuity());
        assertEquals(Continuity.CONFIRMED, c.responderResult.continuity());
        OnlineHandshakeTest.assertSeedsMatch(c.initiatorResult.seed(), c.responderResult.seed());
    }

    @Test
    void anAttackerWithBobsStolenKeysButNotHisHistoryIsDetected() throws Exception {
        run(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, false);
        aliceHeardFromBob();
        // Mallory holds Bob's device identity (keys and certificate) but not the secret Alice and Bob retained.
        RetainedSecretMemory mallorysMemory = new RetainedSecretMemory();
        Conversation asBob = run(alice, aliceMemory, bob, mallorysMemory, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.BROKEN, asBob.initiatorResult.continuity());
        // And posing as Alice to Bob, with Alice's stolen keys:
        Conversation asAlice = run(alice, new RetainedSecretMemory(), bob, bobMemory, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.BROKEN, asAlice.responderResult.continuity());
    }

    @Test
    void everyModeChecksBothSides() throws Exception {
        run(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, false);
        aliceHeardFromBob();
        // With history, XX and the responder-protected mode end with a late confirmation (4.11): both sides check.
        Conversation xx = run(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, true);
        assertEquals(Continuity.CONFIRMED_NOT_MIXED, xx.initiatorResult.continuity());
        assertEquals(Continuity.CONFIRMED_NOT_MIXED, xx.responderResult.continuity());
        assertEquals(4, xx.wire.size(), "XX with history: message 3, then the responder's confirmation");
        Conversation rp = run(alice, aliceMemory, bob, bobMemory, HandshakeMode.RESPONDER_PROTECTED, true);
        assertEquals(Continuity.CONFIRMED_NOT_MIXED, rp.initiatorResult.continuity());
        assertEquals(Continuity.CONFIRMED_NOT_MIXED, rp.responderResult.continuity());
        assertEquals(5, rp.wire.size(), "responder-protected with history: message 4, then the initiator's");
        Conversation brokenXx = run(alice, new RetainedSecretMemory(), bob, bobMemory, HandshakeMode.XX, true);
        assertEquals(Continuity.BROKEN, brokenXx.responderResult.continuity());
        Conversation brokenRp = run(alice, aliceMemory, bob, new RetainedSecretMemory(),
                HandshakeMode.RESPONDER_PROTECTED, true);
        assertEquals(Continuity.BROKEN, brokenRp.initiatorResult.continuity());
    }

    @Test
    void aReinstalledPeerIsANewDeviceNotAnAttack() throws Exception {
        run(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, false);
        DeviceIdentity bobReinstalled = TestDevices.device(bobAccount, random); // new key, same account
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).retainedSecrets(aliceMemory).build(),
                random, TestDevices.CLOCK);
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(bobReinstalled).build(), random,
                TestDevices.CLOCK);
        Conversation c = Conversation.run(a, b, a.startKnownPeer(bob.certificate()), new byte[0], new byte[0],
                Conversation.Attacker.NONE);
        assertEquals(Continuity.NEW_DEVICE, c.initiatorResult.continuity());
    }

    @Test
    void retainedSecretRecordsRoundTrip() throws Exception {
        Conversation c = run(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, false);
        RetainedSecrets kept = c.initiatorResult.retainedSecretsToKeep();
        RetainedSecrets back = RetainedSecrets.fromRecord(kept.toRecord());
        assertTrue(kept.newest().equalsSecret(back.newest()));
        assertFalse(kept.toString().contains(HexFormat.of().formatHex(kept.newest().reveal())));
        assertTrue(c.initiatorResult.retainedSecretsToKeep().newest()
                .equalsSecret(c.responderResult.retainedSecretsToKeep().newest()), "both sides retain the same");
    }

    /**
     * Bob's first ratchet message opened under the XX session alice started: her secret of it is confirmed, as the
     * session layer does (RatchetConfirmationTest). Until then it is no history she can call broken: she sent XX's
     * last message and cannot tell whether bob stored the session (UnconfirmedHistoryTest).
     */
    private void aliceHeardFromBob() {
        aliceMemory.put(bob.certificate(), aliceMemory.forDevice(bob.certificate()).orElseThrow()
                .withNewestConfirmed());
    }

    /**
     * Runs a handshake; unless {@code readOnly}, both sides store what the result says to keep, as the binding
     * does in the session's transaction.
     */
    private Conversation run(DeviceIdentity a, RetainedSecretMemory am, DeviceIdentity b, RetainedSecretMemory bm,
            HandshakeMode mode, boolean readOnly) throws Exception {
        Conversation c = Conversation.withRetainedSecrets(a, am, b, bm, mode, random);
        if (!readOnly) {
            am.put(c.initiatorResult.peerCertificate(), c.initiatorResult.retainedSecretsToKeep());
            bm.put(c.responderResult.peerCertificate(), c.responderResult.retainedSecretsToKeep());
        }
        return c;
    }
}
