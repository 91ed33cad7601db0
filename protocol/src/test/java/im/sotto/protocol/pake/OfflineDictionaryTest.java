package im.sotto.protocol.pake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.testing.DeterministicRandom;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An active attacker runs one password exchange against an honest responder with a wrong guess, keeps everything it
 * saw and chose (its scalar included), and then tests 1,000 candidate passwords, the real one among them, offline
 * against the responder's key confirmation, by every computation open to it. None verifies.
 */
class OfflineDictionaryTest {
    private static final byte[] CI = "Sotto v1 handshake password".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SID = "session-id-16byt".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AD = new byte[0];

    @Test
    void oneActiveAttemptLeavesNothingToTestOffline() throws Exception {
        SecureRandom random = new DeterministicRandom("dictionary");
        byte[] realPassword = utf8("correct horse 0417");
        byte[] transcript = new byte[32];
        random.nextBytes(transcript);

        // The attacker's one online attempt, with a guess, and a scalar it keeps.
        byte[] attackerScalar = new byte[32];
        random.nextBytes(attackerScalar);
        CPace attacker = CPace.insecureWithFixedScalar(CPace.Role.INITIATOR, utf8("guess 1"), CI, SID, AD,
                attackerScalar);
        byte[] ya = attacker.message();

        // The honest responder answers with its share and its key confirmation.
        CPace honest = CPace.responder(realPassword, CI, SID, AD, random);
        byte[] yb = honest.message();
        CPaceResult honestResult = honest.finish(ya);
        byte[] tag = CPaceConfirmation.responderTag(honestResult.isk(), transcript);

        // The attacker's own result does not verify (it guessed wrong) ...
        assertFalse(CPaceConfirmation.verifyResponderTag(attacker.finish(yb).isk(), transcript, tag));

        // ... and no offline computation with any candidate password does either.
        List<byte[]> candidates = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            candidates.add(utf8("candidate " + i));
        }
        candidates.add(500, realPassword);
        byte[] yaShare = java.util.Arrays.copyOfRange(ya, 1, 33);
        byte[] ybShare = java.util.Arrays.copyOfRange(yb, 1, 33);
        byte[] cpaceTranscript = CPaceEncoding.transcriptIr(yaShare, AD, ybShare, AD);
        int tried = 0;
        List<String> verified = new ArrayList<>();
        for (byte[] candidate : candidates) {
            byte[] generator = CPace.calculateGenerator(candidate, CI, SID);
            List<byte[]> ks = List.of(
                    CPace.scalarMultVfy(attackerScalar, ybShare), // what its protocol run computes
                    CPace.scalarMultVfy(attackerScalar, generator), // its scalar on the candidate's generator
                    generator, // the generator itself
                    ybShare); // the honest share itself
            for (byte[] k : ks) {
                SecretBytes isk = CPace.deriveIsk(SID, k, cpaceTranscript);
                tried++;
                if (CPaceConfirmation.verifyResponderTag(isk, transcript, tag)) {
                    verified.add(new String(candidate, StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(4000, tried);
        assertEquals(List.of(), verified, "a candidate password verified offline");

        // Control: the same computation with the honest side's scalar does verify, so the check can succeed.
        assertTrue(CPaceConfirmation.verifyResponderTag(honestResult.isk(), transcript, tag));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
