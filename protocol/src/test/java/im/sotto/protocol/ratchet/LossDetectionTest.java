package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Drop, drop-at-the-end, reorder and forgery, each reported as exactly what it is. */
class LossDetectionTest {
    private static final Duration T = Duration.ofMinutes(5);

    private static byte[][] send(RatchetSession from, int count, String prefix) {
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = from.encrypt(text(prefix + i), AD);
        }
        return out;
    }

    @Test
    void dropOneInTheMiddle() {
        Pair p = new Pair(10);
        byte[][] m = send(p.alice, 10, "m");
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                continue;
            }
            DecryptResult.Decrypted d = expect(p.bob, m[i], "m" + i);
            assertEquals(i == 6 ? List.of(SequenceRange.of(5, 5)) : List.of(), d.newlyMissing(), "at " + i);
            assertFalse(d.late());
        }
        assertEquals(List.of(SequenceRange.of(5, 5)), p.bob.missingFromPeer());
        expect(p.alice, p.bob.encrypt(text("ack"), AD), "ack");
        assertEquals(10, p.alice.acknowledgedByPeer());
        p.clock.advance(T);
        assertEquals(Optional.empty(), p.alice.unacknowledgedOlderThan(T));
        assertEquals(List.of(), p.alice.missingFromPeer());
    }

    @Test
    void dropTheLastThree() {
        Pair p = new Pair(11);
        byte[][] m = send(p.alice, 10, "m");
        for (int i = 0; i < 7; i++) {
            assertEquals(List.of(), expect(p.bob, m[i], "m" + i).newlyMissing());
        }
        assertEquals(List.of(), p.bob.missingFromPeer()); // the receiver cannot know: the sender must tell
        p.clock.advance(Duration.ofMinutes(1));
        expect(p.alice, p.bob.encrypt(text("ack"), AD), "ack");
        assertEquals(7, p.alice.acknowledgedByPeer());
        assertEquals(Optional.empty(), p.alice.unacknowledgedOlderThan(T)); // not yet overdue
        p.clock.advance(T);
        assertEquals(Optional.of(SequenceRange.of(7, 9)), p.alice.unacknowledgedOlderThan(T));
        assertEquals(List.of(), p.alice.missingFromPeer());
    }

    @Test
    void unacknowledgedWhenThePeerNeverAnswers() {
        Pair p = new Pair(12);
        send(p.alice, 3, "early");
        p.clock.advance(Duration.ofMinutes(10));
        send(p.alice, 2, "late");
        assertEquals(Optional.of(SequenceRange.of(0, 2)), p.alice.unacknowledgedOlderThan(T));
        assertEquals(Optional.of(SequenceRange.of(0, 4)), p.alice.unacknowledgedOlderThan(Duration.ZERO));
    }

    @Test
    void reorderIsReportedAsLateNotLost() {
        Pair p = new Pair(13);
        byte[][] m = send(p.alice, 8, "m");
        for (int i : new int[] {0, 1, 2, 3, 4}) {
            expect(p.bob, m[i], "m" + i);
        }
        assertEquals(List.of(SequenceRange.of(5, 5)), expect(p.bob, m[6], "m6").newlyMissing());
        DecryptResult.Decrypted late = expect(p.bob, m[5], "m5");
        assertTrue(late.late());
        assertEquals(5, late.sequence());
        assertEquals(List.of(), late.newlyMissing());
        assertEquals(List.of(), expect(p.bob, m[7], "m7").newlyMissing());
        assertEquals(List.of(), p.bob.missingFromPeer());
    }

    @Test
    void forgedMessageIsRejectedAndReportsNothingMissing() {
        Pair p = new Pair(14);
        byte[][] m = send(p.alice, 4, "m");
        expect(p.bob, m[0], "m0");
        expect(p.bob, m[1], "m1");
        byte[] before = p.bob.toRecord();
        // A forgery that reuses a genuine header with a new payload, and one built from nothing.
        byte[] spliced = m[2].clone();
        spliced[spliced.length - 1] ^= 1;
        byte[] invented = m[2].clone();
        for (int i = 2; i < invented.length; i++) {
            invented[i] = (byte) (i * 31);
        }
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), p.bob.decrypt(spliced, AD));
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.UNKNOWN_HEADER_KEY),
                p.bob.decrypt(invented, AD));
        assertArrayEquals(before, p.bob.toRecord());
        assertEquals(List.of(), expect(p.bob, m[2], "m2").newlyMissing());
        assertEquals(List.of(), expect(p.bob, m[3], "m3").newlyMissing());
        assertEquals(List.of(), p.bob.missingFromPeer());
    }

    @Test
    void lossAcrossAChainChangeIsDetected() {
        Pair p = new Pair(15);
        byte[][] first = send(p.alice, 4, "a"); // sequences 0..3; 2 and 3 are lost
        expect(p.bob, first[0], "a0");
        expect(p.bob, first[1], "a1");
        expect(p.alice, p.bob.encrypt(text("b"), AD), "b");
        byte[][] second = send(p.alice, 3, "c"); // sequences 4..6 in a new chain; 4 is lost
        DecryptResult.Decrypted d = expect(p.bob, second[1], "c1");
        assertEquals(5, d.sequence());
        assertEquals(List.of(SequenceRange.of(2, 4)), d.newlyMissing());
        assertEquals(List.of(SequenceRange.of(2, 3), SequenceRange.of(4, 4)), p.bob.missingFromPeer());
        assertTrue(expect(p.bob, first[3], "a3").late());
        assertEquals(List.of(SequenceRange.of(2, 2), SequenceRange.of(4, 4)), p.bob.missingFromPeer());
        expect(p.bob, second[2], "c2");
        expect(p.bob, second[0], "c0");
        assertEquals(List.of(SequenceRange.of(2, 2)), p.bob.missingFromPeer());
        assertInstanceOf(DecryptResult.Decrypted.class, p.bob.decrypt(first[2], AD));
        assertEquals(List.of(), p.bob.missingFromPeer());
    }
}
