package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.Continuity;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Continuity across handshakes that completed on one side only (docs/protocol.md 4.11): the side that sends a
 * mode's last message stores the session before sending it, and the other side may die before it stores its own.
 * Repeated, this used to leave the two sides more than two secrets apart and every later handshake reported BROKEN.
 */
class OneSidedCompletionTest {
    private static final List<HandshakeMode> MODES = List.of(HandshakeMode.KNOWN_PEER, HandshakeMode.XX,
            HandshakeMode.RESPONDER_PROTECTED);
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);
    private final RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
    private final RetainedSecretMemory bobMemory = new RetainedSecretMemory();

    @Test
    void fiveOneSidedHandshakesInARowThenANormalOneConfirms() throws Exception {
        run(true, HandshakeMode.XX, true);
        // Alternating who starts and the mode; each time the side that receives the last message dies first.
        run(true, HandshakeMode.KNOWN_PEER, false);  // bob (IK responder) stored, alice did not
        run(false, HandshakeMode.XX, false);         // bob (XX initiator) stored, alice did not
        run(false, HandshakeMode.KNOWN_PEER, false); // alice (IK responder) stored, bob did not
        run(true, HandshakeMode.XX, false);          // alice (XX initiator) stored, bob did not
        run(true, HandshakeMode.KNOWN_PEER, false);  // bob stored, alice did not
        Conversation c = run(true, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.CONFIRMED, c.initiatorResult.continuity());
        assertEquals(Continuity.CONFIRMED, c.responderResult.continuity());
        OnlineHandshakeTest.assertSeedsMatch(c.initiatorResult.seed(), c.responderResult.seed());
        Conversation xx = run(false, HandshakeMode.XX, true);
        assertEquals(Continuity.CONFIRMED_NOT_MIXED, xx.responderResult.continuity());
    }

    /** Any mode, either side starting, one-sided or not: fewer than MAX_KEPT handshakes in a row never break. */
    @Test
    void anyMixShorterThanTheBoundNeverBreaks() throws Exception {
        Random pick = new Random(20261126);
        for (int trial = 0; trial < 40; trial++) {
            RetainedSecretMemory a = new RetainedSecretMemory();
            RetainedSecretMemory b = new RetainedSecretMemory();
            run(alice, a, bob, b, HandshakeMode.XX, true);
            List<String> history = new ArrayList<>();
            for (int i = 0; i < RetainedSecrets.MAX_KEPT - 1; i++) {
                boolean aliceStarts = pick.nextBoolean();
                HandshakeMode mode = MODES.get(pick.nextInt(MODES.size()));
                boolean both = pick.nextBoolean();
                history.add((aliceStarts ? "alice " : "bob ") + mode + (both ? "" : " one-sided"));
                Conversation c = run(aliceStarts ? alice : bob, aliceStarts ? a : b, aliceStarts ? bob : alice,
                        aliceStarts ? b : a, mode, both);
                assertNoBreak(c, history);
            }
            Conversation last = run(alice, a, bob, b, HandshakeMode.KNOWN_PEER, true);
            assertEquals(Continuity.CONFIRMED, last.initiatorResult.continuity(), "after " + history);
            assertEquals(Continuity.CONFIRMED, last.responderResult.continuity(), "after " + history);
        }
    }

    /**
     * Known peers use IK, where the side that could not tell learns at the next handshake: any number of one-sided
     * completions (here half of 150) keeps the continuity, and the secrets kept stay few.
     */
    @Test
    void knownPeerHandshakesSurviveAnyNumberOfOneSidedCompletions() throws Exception {
        Random pick = new Random(7);
        run(true, HandshakeMode.XX, true);
        int oneSided = 0;
        int largest = 0;
        for (int i = 0; i < 150; i++) {
            boolean both = pick.nextBoolean();
            oneSided += both ? 0 : 1;
            assertNoBreak(run(pick.nextBoolean(), HandshakeMode.KNOWN_PEER, both), List.of("handshake " + i));
            largest = Math.max(largest, Math.max(aliceMemory.forDevice(bob.certificate()).orElseThrow().size(),
                    bobMemory.forDevice(alice.certificate()).orElseThrow().size()));
        }
        Conversation c = run(false, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.CONFIRMED, c.initiatorResult.continuity());
        assertEquals(Continuity.CONFIRMED, c.responderResult.continuity());
        System.out.printf("%d known-peer handshakes, %d one-sided: at most %d secrets kept per side%n", 150,
                oneSided, largest);
        assertTrue(oneSided > 50, "the sequence really had one-sided completions");
        assertTrue(largest <= RetainedSecrets.MAX_KEPT);
    }

    /** Steady state: when both sides store every session, the older secrets go as soon as the peer moved past. */
    @Test
    void completeHandshakesKeepOnlyAFewSecrets() throws Exception {
        run(true, HandshakeMode.XX, true);
        for (int i = 0; i < 10; i++) {
            run(i % 3 != 0, HandshakeMode.KNOWN_PEER, true);
        }
        assertTrue(aliceMemory.forDevice(bob.certificate()).orElseThrow().size() <= 3);
        assertTrue(bobMemory.forDevice(alice.certificate()).orElseThrow().size() <= 3);
    }

    /**
     * Mallory has bob's (or alice's) long-term keys but none of the history, after a history full of one-sided
     * completions: every mode that checks reports BROKEN, and nothing Mallory did is kept.
     */
    @Test
    void theKeysWithoutTheHistoryAreStillBroken() throws Exception {
        run(true, HandshakeMode.XX, true);
        run(true, HandshakeMode.KNOWN_PEER, false);
        run(false, HandshakeMode.XX, false);
        run(false, HandshakeMode.KNOWN_PEER, false);
        byte[] aliceBefore = aliceMemory.forDevice(bob.certificate()).orElseThrow().toRecord();
        Conversation ik = run(alice, aliceMemory, bob, new RetainedSecretMemory(), HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.BROKEN, ik.initiatorResult.continuity(), "mallory as bob, alice starts");
        Conversation xx = run(bob, new RetainedSecretMemory(), alice, aliceMemory, HandshakeMode.XX, true);
        assertEquals(Continuity.BROKEN, xx.responderResult.continuity(), "mallory as bob starts");
        Conversation rp = run(alice, aliceMemory, bob, new RetainedSecretMemory(), HandshakeMode.RESPONDER_PROTECTED,
                true);
        assertEquals(Continuity.BROKEN, rp.initiatorResult.continuity(), "mallory as bob answers");
        Conversation asAlice = run(alice, new RetainedSecretMemory(), bob, bobMemory, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.BROKEN, asAlice.responderResult.continuity(), "mallory as alice");
        assertTrue(java.util.Arrays.equals(aliceBefore,
                aliceMemory.forDevice(bob.certificate()).orElseThrow().toRecord()), "a break changes nothing kept");
        Conversation real = run(true, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.CONFIRMED, real.initiatorResult.continuity(), "the real devices still match");
    }

    /** A record of the old layout (newest and previous, version 1) is read as unconfirmed and still matches. */
    @Test
    void aVersionOneRecordIsReadAndStillMatches() throws Exception {
        Conversation first = run(true, HandshakeMode.XX, true);
        run(true, HandshakeMode.KNOWN_PEER, false); // bob moved on alone: his version-1 record holds two secrets
        byte[] older = first.initiatorResult.retainedSecretsToKeep().newest().reveal();
        byte[] newer = bobMemory.forDevice(alice.certificate()).orElseThrow().newest().reveal();
        byte[] v1 = new im.sotto.protocol.wire.ByteWriter().u8(1).bytes(newer).u8(1).bytes(older).toByteArray();
        bobMemory.putRecord(alice.certificate(), v1);
        RetainedSecrets migrated = bobMemory.forDevice(alice.certificate()).orElseThrow();
        assertEquals(2, migrated.size());
        assertFalse(migrated.isConfirmed(0) || migrated.isConfirmed(1), "version 1 recorded no confirmation");
        assertNotEquals(1, migrated.toRecord()[0], "written back in the current layout");
        Conversation c = run(false, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.CONFIRMED, c.initiatorResult.continuity());
        assertEquals(Continuity.CONFIRMED, c.responderResult.continuity());
    }

    @Test
    void recordsAreBoundedStrictAndRedacted() throws Exception {
        run(true, HandshakeMode.XX, true);
        for (int i = 0; i < RetainedSecrets.MAX_KEPT + 3; i++) {
            // Alice starts XX; with history, bob sends the last message (the late confirmation, 4.11) and never
            // learns whether alice stored any of these sessions.
            run(true, HandshakeMode.XX, false);
        }
        RetainedSecrets bobs = bobMemory.forDevice(alice.certificate()).orElseThrow();
        assertEquals(RetainedSecrets.MAX_KEPT, bobs.size(), "bounded");
        assertTrue(bobs.isConfirmed(bobs.size() - 1), "the secret alice surely holds is the one kept");
        assertFalse(bobs.toString().contains(java.util.HexFormat.of().formatHex(bobs.newest().reveal())));
        byte[] record = bobs.toRecord();
        record[1] = (byte) (RetainedSecrets.MAX_KEPT + 1);
        org.junit.jupiter.api.Assertions.assertThrows(im.sotto.protocol.wire.MalformedInputException.class,
                () -> RetainedSecrets.fromRecord(record));
        Conversation c = run(false, HandshakeMode.KNOWN_PEER, true);
        assertEquals(Continuity.CONFIRMED, c.responderResult.continuity(), "alice's proof still matches");
    }

    /** Neither side reports a break (the side that died would have reported what its result says). */
    private static void assertNoBreak(Conversation c, List<String> history) {
        assertNotEquals(Continuity.BROKEN, c.initiatorResult.continuity(), "initiator, after " + history);
        assertNotEquals(Continuity.BROKEN, c.responderResult.continuity(), "responder, after " + history);
    }

    private Conversation run(boolean aliceStarts, HandshakeMode mode, boolean bothStore) throws Exception {
        return aliceStarts ? run(alice, aliceMemory, bob, bobMemory, mode, bothStore)
                : run(bob, bobMemory, alice, aliceMemory, mode, bothStore);
    }

    /**
     * Runs a handshake and stores what each side keeps, as the binding does: nothing after BROKEN, and with
     * {@code bothStore} false only the side that sent the last message (it stores before sending; the receiver
     * died before storing).
     */
    private Conversation run(DeviceIdentity a, RetainedSecretMemory am, DeviceIdentity b, RetainedSecretMemory bm,
            HandshakeMode mode, boolean bothStore) throws Exception {
        Conversation c = Conversation.withRetainedSecrets(a, am, b, bm, mode, random);
        // Messages alternate from the initiator's message 1: an odd count means the initiator sent the last one (XX
        // without history; a mode that ended with a late confirmation ends on the other side).
        boolean initiatorSendsLast = c.wire.size() % 2 == 1;
        if (bothStore || initiatorSendsLast) {
            keep(am, c.initiatorResult);
        }
        if (bothStore || !initiatorSendsLast) {
            keep(bm, c.responderResult);
        }
        return c;
    }

    private static void keep(RetainedSecretMemory memory, HandshakeResult result) {
        if (result.continuity() != Continuity.BROKEN) {
            memory.put(result.peerCertificate(), result.retainedSecretsToKeep());
        }
    }
}
