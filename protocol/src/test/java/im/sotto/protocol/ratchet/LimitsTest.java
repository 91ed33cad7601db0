package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Skipped-key limits and expiry: a message beyond them is rejected before any key is derived for it. */
class LimitsTest {
    private static final DecryptResult TOO_FAR = new DecryptResult.Undecryptable(DecryptResult.Reason.TOO_FAR_AHEAD);

    private static byte[] nth(RatchetSession from, int n) {
        byte[] last = null;
        for (int i = 0; i <= n; i++) {
            last = from.encrypt(text("m" + i), AD);
        }
        return last;
    }

    @Test
    void exactlyMaxSkipInOneChainIsAcceptedOneMoreIsTooFarAhead() {
        Pair ok = new Pair(30);
        expect(ok.bob, nth(ok.alice, RatchetLimits.MAX_SKIP_PER_CHAIN), "m" + RatchetLimits.MAX_SKIP_PER_CHAIN);
        assertEquals(List.of(SequenceRange.of(0, RatchetLimits.MAX_SKIP_PER_CHAIN - 1)), ok.bob.missingFromPeer());

        Pair far = new Pair(31);
        byte[] m = nth(far.alice, RatchetLimits.MAX_SKIP_PER_CHAIN + 1);
        byte[] before = far.bob.toRecord();
        assertEquals(TOO_FAR, far.bob.decrypt(m, AD));
        assertArrayEquals(before, far.bob.toRecord(), "no key may be allocated for a rejected message");
    }

    @Test
    void heldKeysOfAChainCountTowardsItsLimit() {
        Pair p = new Pair(32);
        byte[][] m = new byte[RatchetLimits.MAX_SKIP_PER_CHAIN + 3][];
        for (int i = 0; i < m.length; i++) {
            m[i] = p.alice.encrypt(text("m" + i), AD);
        }
        expect(p.bob, m[RatchetLimits.MAX_SKIP_PER_CHAIN], "m" + RatchetLimits.MAX_SKIP_PER_CHAIN); // holds 1000
        assertEquals(TOO_FAR, p.bob.decrypt(m[RatchetLimits.MAX_SKIP_PER_CHAIN + 2], AD)); // would hold 1001
        expect(p.bob, m[RatchetLimits.MAX_SKIP_PER_CHAIN + 1], "m" + (RatchetLimits.MAX_SKIP_PER_CHAIN + 1));
        expect(p.bob, m[0], "m0"); // a late one frees a slot
        expect(p.bob, m[RatchetLimits.MAX_SKIP_PER_CHAIN + 2], "m" + (RatchetLimits.MAX_SKIP_PER_CHAIN + 2));
    }

    @Test
    void sessionTotalIsEnforcedAcrossChains() {
        Pair p = new Pair(33);
        int perChain = RatchetLimits.MAX_SKIPPED_TOTAL / 2;
        for (int chain = 0; chain < 2; chain++) {
            expect(p.bob, nth(p.alice, perChain), "m" + perChain);
            expect(p.alice, p.bob.encrypt(text("r"), AD), "r");
        }
        assertEquals(RatchetLimits.MAX_SKIPPED_TOTAL, p.bob.state().totalSkipped());
        byte[] next = nth(p.alice, 1); // needs one more held key
        byte[] before = p.bob.toRecord();
        assertEquals(TOO_FAR, p.bob.decrypt(next, AD));
        assertArrayEquals(before, p.bob.toRecord());
    }

    @Test
    void aHugeCounterIsRejectedWithoutWork() {
        Pair p = new Pair(34);
        expect(p.bob, p.alice.encrypt(text("0"), AD), "0");
        p.alice.state().sent = Integer.MAX_VALUE - 1; // what a sender far ahead would put in its header
        byte[] m = p.alice.encrypt(text("far"), AD);
        long start = System.nanoTime();
        assertEquals(TOO_FAR, p.bob.decrypt(m, AD));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
    }

    @Test
    void heldKeysExpireAfterTheirLifetime() {
        Pair p = new Pair(35);
        byte[] m0 = p.alice.encrypt(text("0"), AD);
        byte[] m1 = p.alice.encrypt(text("1"), AD);
        byte[] m2 = p.alice.encrypt(text("2"), AD);
        expect(p.bob, m2, "2");
        p.clock.advance(RatchetLimits.SKIPPED_KEY_LIFETIME.minusSeconds(1));
        assertTrue(expect(p.bob, m0, "0").late());
        p.clock.advance(Duration.ofSeconds(1));
        byte[] before = p.bob.toRecord();
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.EXPIRED), p.bob.decrypt(m1, AD));
        assertArrayEquals(before, p.bob.toRecord());
        // The next successful operation deletes the expired key; the message stays reported missing.
        expect(p.alice, p.bob.encrypt(text("r"), AD), "r");
        assertEquals(0, p.bob.state().totalSkipped());
        assertEquals(List.of(SequenceRange.of(1, 1)), p.bob.missingFromPeer());
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.EXPIRED), p.bob.decrypt(m1, AD));
    }
}
