package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of replay is a duplicate, found before any state change, and survives save/load. */
class ReplayTest {

    private static void assertDuplicate(RatchetSession s, byte[] m, long sequence) {
        byte[] before = s.toRecord();
        DecryptResult r = s.decrypt(m, AD);
        assertEquals(DecryptResult.Duplicate.class, r.getClass(), () -> "got " + r);
        assertEquals(sequence, ((DecryptResult.Duplicate) r).sequence());
        assertArrayEquals(before, s.toRecord(), "a duplicate must not change the session");
    }

    @Test
    void inOrderMessageReplayed() {
        Pair p = new Pair(20);
        byte[] m0 = p.alice.encrypt(text("0"), AD);
        byte[] m1 = p.alice.encrypt(text("1"), AD);
        expect(p.bob, m0, "0");
        expect(p.bob, m1, "1");
        assertDuplicate(p.bob, m0, 0); // first message of the chain: its replay must not repeat the DH step
        assertDuplicate(p.bob, m1, 1);
    }

    @Test
    void lateMessageReplayedAfterItsHeldKeyWasUsed() {
        Pair p = new Pair(21);
        byte[] m0 = p.alice.encrypt(text("0"), AD);
        byte[] m1 = p.alice.encrypt(text("1"), AD);
        expect(p.bob, m1, "1");
        expect(p.bob, m0, "0");
        assertDuplicate(p.bob, m0, 0);
        assertEquals(List.of(), p.bob.missingFromPeer());
    }

    @Test
    void replayFromEarlierChainsAndAfterSaveLoad() throws RatchetRecordException {
        Pair p = new Pair(22);
        List<byte[]> toBob = new ArrayList<>();
        List<byte[]> toAlice = new ArrayList<>();
        for (int round = 0; round < RatchetLimits.MAX_PREVIOUS_RECEIVING_CHAINS; round++) {
            byte[] a = p.alice.encrypt(text("a" + round), AD);
            toBob.add(a);
            expect(p.bob, a, "a" + round);
            byte[] b = p.bob.encrypt(text("b" + round), AD);
            toAlice.add(b);
            expect(p.alice, b, "b" + round);
        }
        p.reload();
        for (int i = 0; i < toBob.size(); i++) {
            assertDuplicate(p.bob, toBob.get(i), i);
            assertDuplicate(p.alice, toAlice.get(i), i);
        }
    }

    @Test
    void replayOlderThanTheRememberedChainsIsStillRejectedWithoutChange() {
        Pair p = new Pair(23);
        byte[] first = p.alice.encrypt(text("first"), AD);
        expect(p.bob, first, "first");
        for (int round = 0; round < RatchetLimits.MAX_PREVIOUS_RECEIVING_CHAINS + 2; round++) {
            expect(p.alice, p.bob.encrypt(text("b"), AD), "b");
            expect(p.bob, p.alice.encrypt(text("a"), AD), "a");
        }
        byte[] before = p.bob.toRecord();
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.UNKNOWN_HEADER_KEY), p.bob.decrypt(first, AD));
        assertArrayEquals(before, p.bob.toRecord());
    }
}
