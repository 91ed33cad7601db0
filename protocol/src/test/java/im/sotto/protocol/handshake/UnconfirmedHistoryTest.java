package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.Continuity;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Only <em>confirmed</em> history counts for the BROKEN decision (docs/protocol.md 4.11). A first session that
 * completed on one side only (the peer was killed before storing it) leaves a secret the peer never had: a later
 * first contact in any mode must not be reported as a break. A thief with stolen long-term keys but no history must
 * still get BROKEN from every device that holds confirmed history, in every mode it can pick, including when the
 * history was confirmed by the peer's first ratchet message only ({@link RetainedSecrets#withNewestConfirmed}, what
 * the session layer does, SessionCipher's RatchetConfirmationTest).
 */
class UnconfirmedHistoryTest {
    private static final Set<HandshakeMode> FULL_MODES = EnumSet.of(HandshakeMode.XX,
            HandshakeMode.RESPONDER_PROTECTED);
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);

    /** How one side runs a handshake: the modes it speaks, as responder the one it prefers, and whether IK. */
    private record Choice(String name, Set<HandshakeMode> modes, HandshakeMode preferred, boolean knownPeer) {
    }

    /** Every way a handshake can go between two devices (or a thief and a device): each side's picks. */
    private static final List<Choice> STARTS = List.of(
            new Choice("IK", EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX, true),
            new Choice("offers only XX", EnumSet.of(HandshakeMode.XX), HandshakeMode.XX, false),
            new Choice("offers only responder-protected", EnumSet.of(HandshakeMode.RESPONDER_PROTECTED),
                    HandshakeMode.RESPONDER_PROTECTED, false));
    private static final List<Choice> ANSWERS = List.of(
            new Choice("answers IK", EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX, true),
            new Choice("counter-offers IK, then XX", EnumSet.of(HandshakeMode.XX), HandshakeMode.XX, true),
            new Choice("counter-offers IK, then responder-protected", EnumSet.of(HandshakeMode.RESPONDER_PROTECTED),
                    HandshakeMode.RESPONDER_PROTECTED, true),
            new Choice("answers a full handshake with XX", FULL_MODES, HandshakeMode.XX, false),
            new Choice("answers a full handshake with responder-protected", FULL_MODES,
                    HandshakeMode.RESPONDER_PROTECTED, false));

    /**
     * The first session completes on the side that sends the mode's last message only (XX: the initiator; the
     * responder-protected mode: the responder); the other side was killed before storing. Every later handshake,
     * whoever starts and whatever both sides pick, is a first contact for both: no BROKEN (before only confirmed
     * history counted, the side holding the secret reported BROKEN in each).
     */
    @Test
    void aOneSidedFirstSessionRaisesNoAlarmInAnyMode() throws Exception {
        List<String> alarms = new ArrayList<>();
        for (HandshakeMode firstMode : FULL_MODES) {
            RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
            RetainedSecretMemory bobMemory = new RetainedSecretMemory();
            Conversation first = Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, firstMode,
                    random);
            boolean aliceSentLast = first.wire.size() % 2 == 1;
            if (aliceSentLast) {
                aliceMemory.put(bob.certificate(), first.initiatorResult.retainedSecretsToKeep());
            } else {
                bobMemory.put(alice.certificate(), first.responderResult.retainedSecretsToKeep());
            }
            RetainedSecretMemory holder = aliceSentLast ? aliceMemory : bobMemory;
            DeviceIdentity holderPeer = aliceSentLast ? bob : alice;
            assertFalse(holder.forDevice(holderPeer.certificate()).orElseThrow().anyConfirmed(),
                    firstMode + ": the side that sent last never heard back");
            for (boolean aliceStarts : List.of(true, false)) {
                List<Choice[]> pairs = new ArrayList<>();
                STARTS.forEach(s -> pairs.add(new Choice[] {s, honest(false)}));
                ANSWERS.forEach(a -> pairs.add(new Choice[] {honest(a.knownPeer()), a}));
                for (Choice[] pair : pairs) {
                    Choice start = pair[0];
                    Choice answer = pair[1];
                    {
                        // Copies: nothing of these handshakes is stored, each starts from the one-sided history.
                        Conversation c = aliceStarts
                                ? handshake(alice, aliceMemory.copy(), start, bob, bobMemory.copy(), answer)
                                : handshake(bob, bobMemory.copy(), start, alice, aliceMemory.copy(), answer);
                        String what = "first " + firstMode + " kept by " + (aliceSentLast ? "alice" : "bob") + "; "
                                + (aliceStarts ? "alice" : "bob") + " " + start.name() + ", peer " + answer.name();
                        for (HandshakeResult r : List.of(c.initiatorResult, c.responderResult)) {
                            if (r.continuity() == Continuity.BROKEN || r.continuity() == Continuity.UNCHECKED) {
                                alarms.add(what + ": " + r.continuity() + " in " + r.selection().mode());
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), alarms);
    }

    /**
     * One XX session both sides stored; alice's secret was confirmed by bob's first ratchet message (the responder's
     * was confirmed by message 3). A thief with bob's keys, or with alice's, gets BROKEN in every mode.
     */
    @Test
    void aThiefGetsBrokenFromHistoryConfirmedByARatchetMessage() throws Exception {
        RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
        RetainedSecretMemory bobMemory = new RetainedSecretMemory();
        Conversation first = Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX,
                random);
        RetainedSecrets alices = first.initiatorResult.retainedSecretsToKeep();
        assertFalse(alices.anyConfirmed(), "the XX initiator sent last: unconfirmed until bob is heard from");
        assertTrue(first.responderResult.retainedSecretsToKeep().anyConfirmed(), "message 3 confirms bob's");
        aliceMemory.put(bob.certificate(), alices.withNewestConfirmed());
        bobMemory.put(alice.certificate(), first.responderResult.retainedSecretsToKeep());
        assertEquals(List.of(), thiefEverywhere(aliceMemory, bobMemory));
    }

    /**
     * Three sessions of shared history, then one that completed on one side only (bob's newest secret is one alice
     * never stored): the thief is still BROKEN everywhere, and the real devices still prove their history.
     */
    @Test
    void aThiefGetsBrokenAfterHistoryEndingInAOneSidedSession() throws Exception {
        RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
        RetainedSecretMemory bobMemory = new RetainedSecretMemory();
        keepBoth(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, random),
                aliceMemory, bobMemory, true);
        keepBoth(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.KNOWN_PEER,
                random), aliceMemory, bobMemory, true);
        keepBoth(Conversation.withRetainedSecrets(bob, bobMemory, alice, aliceMemory, HandshakeMode.KNOWN_PEER,
                random), bobMemory, aliceMemory, true);
        // Alice starts IK, bob (who sends the last message) stores, alice is killed before storing.
        keepBoth(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.KNOWN_PEER,
                random), aliceMemory, bobMemory, false);
        assertEquals(List.of(), thiefEverywhere(aliceMemory, bobMemory));
        Conversation real = Conversation.withRetainedSecrets(bob, bobMemory, alice, aliceMemory,
                HandshakeMode.KNOWN_PEER, random);
        assertEquals(Continuity.CONFIRMED, real.initiatorResult.continuity());
        assertEquals(Continuity.CONFIRMED, real.responderResult.continuity());
    }

    /**
     * The price of not counting unconfirmed secrets, stated: after a single session from which alice never heard
     * bob (not one ratchet message), alice cannot tell a thief with bob's keys from a bob who lost the session, and
     * reports a new device of a known account (trust follows the account), not BROKEN.
     */
    @Test
    void withoutAnyWordFromThePeerASingleSessionIsNoHistory() throws Exception {
        RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
        Conversation first = Conversation.withRetainedSecrets(alice, aliceMemory, bob, new RetainedSecretMemory(),
                HandshakeMode.XX, random);
        aliceMemory.put(bob.certificate(), first.initiatorResult.retainedSecretsToKeep());
        Conversation thief = handshake(alice, aliceMemory, STARTS.get(0), bob, new RetainedSecretMemory(),
                ANSWERS.get(0));
        assertEquals(Continuity.NEW_DEVICE, thief.initiatorResult.continuity());
    }

    /** Every choice of a thief with bob's keys, with alice's, and in the middle with both: what was not BROKEN. */
    private List<String> thiefEverywhere(RetainedSecretMemory aliceMemory, RetainedSecretMemory bobMemory)
            throws Exception {
        List<String> notBroken = new ArrayList<>();
        for (Choice c : ANSWERS) {
            expectBroken(handshake(alice, aliceMemory.copy(), honest(c.knownPeer()), bob, new RetainedSecretMemory(),
                    c).initiatorResult, "alice calls, thief as bob " + c.name(), notBroken);
            expectBroken(handshake(bob, bobMemory.copy(), honest(c.knownPeer()), alice, new RetainedSecretMemory(),
                    c).initiatorResult, "bob calls, thief as alice " + c.name(), notBroken);
        }
        for (Choice c : STARTS) {
            expectBroken(handshake(bob, new RetainedSecretMemory(), c, alice, aliceMemory.copy(), null)
                    .responderResult, "thief as bob " + c.name() + ", alice answers", notBroken);
            expectBroken(handshake(alice, new RetainedSecretMemory(), c, bob, bobMemory.copy(), null)
                    .responderResult, "thief as alice " + c.name() + ", bob answers", notBroken);
        }
        return notBroken;
    }

    private void keepBoth(Conversation c, RetainedSecretMemory initiator, RetainedSecretMemory responder,
            boolean both) {
        DeviceIdentity responderDevice = java.util.Arrays.equals(c.responderResult.peerCertificate().deviceKey(),
                alice.certificate().deviceKey()) ? bob : alice;
        DeviceIdentity initiatorDevice = responderDevice == alice ? bob : alice;
        if (both) {
            initiator.put(responderDevice.certificate(), c.initiatorResult.retainedSecretsToKeep());
        }
        responder.put(initiatorDevice.certificate(), c.responderResult.retainedSecretsToKeep());
    }

    private static Choice honest(boolean knownPeer) {
        return new Choice("honest", EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX, knownPeer);
    }

    private Conversation handshake(DeviceIdentity i, RetainedSecretLookup im, Choice initiatorChoice,
            DeviceIdentity r, RetainedSecretLookup rm, Choice responderChoice) throws Exception {
        Choice rc = responderChoice == null ? honest(false) : responderChoice;
        OnlineInitiator initiator = OnlineInitiator.create(HandshakeConfig.builder(i).retainedSecrets(im)
                .modes(initiatorChoice.modes()).build(), random, TestDevices.CLOCK);
        OnlineResponder responder = OnlineResponder.create(HandshakeConfig.builder(r).retainedSecrets(rm)
                .modes(rc.modes()).preferredResponderMode(rc.preferred()).build(), random, TestDevices.CLOCK);
        byte[] first = initiatorChoice.knownPeer() ? initiator.startKnownPeer(r.certificate()) : initiator.start();
        return Conversation.run(initiator, responder, first, new byte[0], new byte[0], Conversation.Attacker.NONE);
    }

    private static void expectBroken(HandshakeResult honestSide, String what, List<String> notBroken) {
        if (honestSide.continuity() != Continuity.BROKEN) {
            notBroken.add(what + ": " + honestSide.continuity() + " in " + honestSide.selection().mode());
        }
    }
}
