package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "retained secrets can be side-stepped by choosing the handshake mode": a thief holds the long-term keys
 * of Alice's device, of Bob's, or of both, but none of their history, and picks whatever the protocol lets it pick
 * (the mode it offers, the mode it answers with, a counter-offer to IK, skipping the late confirmation). Every honest
 * side that holds history must report {@link Continuity#BROKEN}, never {@code UNCHECKED}, in every mode.
 */
class ContinuityInEveryModeTest {
    private static final Set<HandshakeMode> FULL_MODES = EnumSet.of(HandshakeMode.XX,
            HandshakeMode.RESPONDER_PROTECTED);
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);
    private final RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
    private final RetainedSecretMemory bobMemory = new RetainedSecretMemory();

    /** Three handshakes of shared history, both sides storing each. */
    @BeforeEach
    void sharedHistory() throws Exception {
        keep(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.XX, random));
        keep(Conversation.withRetainedSecrets(alice, aliceMemory, bob, bobMemory, HandshakeMode.KNOWN_PEER, random));
        keep(Conversation.withRetainedSecrets(bob, bobMemory, alice, aliceMemory, HandshakeMode.KNOWN_PEER, random));
    }

    /** How the thief runs a handshake: the modes it speaks, and as responder the one it prefers. */
    private record Choice(String name, Set<HandshakeMode> modes, HandshakeMode preferred, boolean knownPeer) {
    }

    /** Every choice open to the thief as initiator: IK, or a full handshake offering one mode only. */
    private static final List<Choice> AS_INITIATOR = List.of(
            new Choice("IK", EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX, true),
            new Choice("offers only XX", EnumSet.of(HandshakeMode.XX), HandshakeMode.XX, false),
            new Choice("offers only responder-protected", EnumSet.of(HandshakeMode.RESPONDER_PROTECTED),
                    HandshakeMode.RESPONDER_PROTECTED, false));

    /**
     * Every choice open to the thief as responder, when the honest side starts with IK (as it does for a known peer)
     * or with a full handshake: answer IK, counter-offer IK and then pick XX or the responder-protected mode, or
     * pick either in a full handshake.
     */
    private static final List<Choice> AS_RESPONDER = List.of(
            new Choice("answers IK", EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX, true),
            new Choice("counter-offers IK, then XX", EnumSet.of(HandshakeMode.XX), HandshakeMode.XX, true),
            new Choice("counter-offers IK, then responder-protected", EnumSet.of(HandshakeMode.RESPONDER_PROTECTED),
                    HandshakeMode.RESPONDER_PROTECTED, true),
            new Choice("answers a full handshake with XX", FULL_MODES, HandshakeMode.XX, false),
            new Choice("answers a full handshake with responder-protected", FULL_MODES,
                    HandshakeMode.RESPONDER_PROTECTED, false));

    @Test
    void aThiefWithAlicesKeysIsBrokenForBob() throws Exception {
        List<String> notBroken = new ArrayList<>();
        for (Choice c : AS_INITIATOR) {
            // The thief as Alice calls Bob.
            Conversation run = handshake(alice, new RetainedSecretMemory(), c, bob, bobMemory, null);
            expectBroken(run.responderResult, "thief as alice " + c.name() + ", bob answers", notBroken);
        }
        for (Choice c : AS_RESPONDER) {
            // Bob calls Alice's device, which the thief answers.
            Conversation run = handshake(bob, bobMemory, honest(c.knownPeer()), alice, new RetainedSecretMemory(), c);
            expectBroken(run.initiatorResult, "bob calls, thief as alice " + c.name(), notBroken);
        }
        assertEquals(List.of(), notBroken);
    }

    @Test
    void aThiefWithBobsKeysIsBrokenForAlice() throws Exception {
        List<String> notBroken = new ArrayList<>();
        for (Choice c : AS_RESPONDER) {
            Conversation run = handshake(alice, aliceMemory, honest(c.knownPeer()), bob, new RetainedSecretMemory(), c);
            expectBroken(run.initiatorResult, "alice calls, thief as bob " + c.name(), notBroken);
        }
        for (Choice c : AS_INITIATOR) {
            Conversation run = handshake(bob, new RetainedSecretMemory(), c, alice, aliceMemory, null);
            expectBroken(run.responderResult, "thief as bob " + c.name() + ", alice answers", notBroken);
        }
        assertEquals(List.of(), notBroken);
    }

    /**
     * With both devices' keys the thief sits in the middle: it answers Alice as Bob and calls Bob as Alice, each
     * leg with any choice. Both honest sides see BROKEN, whatever pair of choices.
     */
    @Test
    void aThiefWithBothKeysInTheMiddleIsBrokenOnBothSides() throws Exception {
        List<String> notBroken = new ArrayList<>();
        for (Choice towardsAlice : AS_RESPONDER) {
            for (Choice towardsBob : AS_INITIATOR) {
                Conversation left = handshake(alice, aliceMemory, honest(towardsAlice.knownPeer()), bob,
                        new RetainedSecretMemory(), towardsAlice);
                Conversation right = handshake(alice, new RetainedSecretMemory(), towardsBob, bob, bobMemory, null);
                String pair = towardsAlice.name() + " / " + towardsBob.name();
                expectBroken(left.initiatorResult, "alice, " + pair, notBroken);
                expectBroken(right.responderResult, "bob, " + pair, notBroken);
            }
        }
        assertEquals(List.of(), notBroken);
        assertEquals(AS_RESPONDER.size() * AS_INITIATOR.size(), 15, "every pair ran");
    }

    /**
     * The control: the real devices making the very same choices (nothing stored, so the history stays that of the
     * three handshakes) see a proven continuity on both sides, never BROKEN nor UNCHECKED. Together with the thief
     * tests, the verdict depends on the history, not on the mode.
     */
    @Test
    void theRealDevicesMakingTheSameChoicesProveTheirHistory() throws Exception {
        List<String> unproven = new ArrayList<>();
        for (Choice c : AS_INITIATOR) {
            Conversation run = handshake(alice, aliceMemory, c, bob, bobMemory, null);
            expectProven(run, "alice " + c.name(), unproven);
        }
        for (Choice c : AS_RESPONDER) {
            Conversation run = handshake(alice, aliceMemory, honest(c.knownPeer()), bob, bobMemory, c);
            expectProven(run, "bob " + c.name(), unproven);
        }
        assertEquals(List.of(), unproven);
    }

    private static void expectProven(Conversation run, String what, List<String> unproven) {
        for (HandshakeResult r : List.of(run.initiatorResult, run.responderResult)) {
            if (r.continuity() != Continuity.CONFIRMED && r.continuity() != Continuity.CONFIRMED_NOT_MIXED) {
                unproven.add(what + ": " + r.continuity() + " in " + r.selection().mode());
            }
        }
    }

    /**
     * A thief that answers everything but the confirmation request (it cannot write a valid one and prefers no
     * verdict) leaves the side that asked without any session: nothing is committed before the confirmation.
     */
    @Test
    void skippingTheLateConfirmationCompletesNothing() throws Exception {
        for (HandshakeMode mode : FULL_MODES) {
            OnlineInitiator i = OnlineInitiator.create(config(alice, aliceMemory, EnumSet.allOf(HandshakeMode.class),
                    HandshakeMode.XX), random, TestDevices.CLOCK);
            OnlineResponder r = OnlineResponder.create(config(bob, new RetainedSecretMemory(), FULL_MODES, mode),
                    random, TestDevices.CLOCK);
            if (mode == HandshakeMode.RESPONDER_PROTECTED) {
                // Here the responder asks (it holds history for the initiator): the thief has alice's keys.
                i = OnlineInitiator.create(config(alice, new RetainedSecretMemory(),
                        EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX), random, TestDevices.CLOCK);
                r = OnlineResponder.create(config(bob, bobMemory, FULL_MODES, mode), random, TestDevices.CLOCK);
            }
            byte[] next = i.start();
            boolean toResponder = true;
            boolean honestCompleted = false;
            while (next != null && next[1] != Frame.Type.CONTINUITY_CONFIRM.code) {
                HandshakeStep step = toResponder ? r.receive(next) : i.receive(next);
                boolean honestSide = (mode == HandshakeMode.XX) != toResponder;
                honestCompleted |= honestSide && step.result().isPresent();
                next = step.message().orElse(null);
                toResponder = !toResponder;
            }
            assertTrue(next != null, mode + ": a confirmation was asked for");
            assertTrue(!honestCompleted, mode + ": the side that asked completed without the confirmation");
        }
    }

    /** The confirmation is MAC'd under the session: whoever rewrites it on the wire causes TAMPERED, not BROKEN. */
    @Test
    void aNetworkAttackerCannotForgeABreak() throws Exception {
        for (HandshakeMode mode : FULL_MODES) {
            OnlineInitiator i = OnlineInitiator.create(config(alice, aliceMemory, EnumSet.allOf(HandshakeMode.class),
                    HandshakeMode.XX), random, TestDevices.CLOCK);
            OnlineResponder r = OnlineResponder.create(config(bob, bobMemory, FULL_MODES, mode), random,
                    TestDevices.CLOCK);
            int last = mode == HandshakeMode.XX ? 3 : 4;
            HandshakeException e = assertThrows(HandshakeException.class, () -> Conversation.run(i, r, i.start(),
                    new byte[0], new byte[0], Conversation.Attacker.at(last, m -> {
                        m[5] ^= 1; // inside the confirmation value
                        return m;
                    })));
            assertEquals(HandshakeException.Kind.TAMPERED, e.kind(), mode.toString());
        }
    }

    private static Choice honest(boolean knownPeer) {
        return new Choice("honest", EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX, knownPeer);
    }

    /**
     * Runs a handshake to completion. {@code initiatorChoice} gives the initiator's modes and whether it starts
     * with IK; {@code responderChoice} (null: honest defaults) the responder's modes and preference.
     */
    private Conversation handshake(DeviceIdentity i, RetainedSecretLookup im, Choice initiatorChoice,
            DeviceIdentity r, RetainedSecretLookup rm, Choice responderChoice) throws Exception {
        Choice rc = responderChoice == null ? honest(false) : responderChoice;
        OnlineInitiator initiator = OnlineInitiator.create(config(i, im, initiatorChoice.modes(), HandshakeMode.XX),
                random, TestDevices.CLOCK);
        OnlineResponder responder = OnlineResponder.create(config(r, rm, rc.modes(), rc.preferred()), random,
                TestDevices.CLOCK);
        byte[] first = initiatorChoice.knownPeer() ? initiator.startKnownPeer(r.certificate()) : initiator.start();
        return Conversation.run(initiator, responder, first, new byte[0], new byte[0], Conversation.Attacker.NONE);
    }

    private static HandshakeConfig config(DeviceIdentity device, RetainedSecretLookup memory,
            Set<HandshakeMode> modes, HandshakeMode preferred) {
        return HandshakeConfig.builder(device).retainedSecrets(memory).modes(modes).preferredResponderMode(preferred)
                .build();
    }

    private static void expectBroken(HandshakeResult honestSide, String what, List<String> notBroken) {
        if (honestSide.continuity() != Continuity.BROKEN) {
            notBroken.add(what + ": " + honestSide.continuity() + " in " + honestSide.selection().mode());
        }
        assertNotEquals(Continuity.UNCHECKED, honestSide.continuity(), what);
    }

    private void keep(Conversation c) {
        aliceMemory.put(bob.certificate(), resultFor(c, true).retainedSecretsToKeep());
        bobMemory.put(alice.certificate(), resultFor(c, false).retainedSecretsToKeep());
    }

    /** Alice's (or Bob's) result in a conversation between the two. */
    private HandshakeResult resultFor(Conversation c, boolean forAlice) {
        boolean aliceInitiated = java.util.Arrays.equals(c.responderResult.peerCertificate().deviceKey(),
                alice.certificate().deviceKey());
        return forAlice == aliceInitiated ? c.initiatorResult : c.responderResult;
    }
}
