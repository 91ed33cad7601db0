package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A failed or duplicate message changes nothing, whatever it is. */
class TransactionTest {
    private static final long SEED = 0x5077_0001L;

    @Test
    void tenThousandGarbageMessagesLeaveTheSessionByteIdentical() {
        Pair p = new Pair(40);
        Random rnd = new Random(SEED);
        // A live session with history: two direction changes, held keys in two chains, a heartbeat sub-chain.
        List<byte[]> delivered = new ArrayList<>();
        List<byte[]> held = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 60; i++) {
                byte[] m = p.alice.encrypt(text("a" + round + "." + i), AD);
                if (i % 7 == 3) {
                    held.add(m);
                } else {
                    expect(p.bob, m, "a" + round + "." + i);
                    delivered.add(m);
                }
            }
            expect(p.alice, p.bob.encrypt(text("b" + round), AD), "b" + round);
        }
        byte[] next = p.alice.encrypt(text("next"), AD);
        byte[] before = p.bob.toRecord();
        List<byte[]> genuine = new ArrayList<>(delivered);
        genuine.addAll(held);
        genuine.add(next);

        Map<DecryptResult.Reason, Integer> seen = new EnumMap<>(DecryptResult.Reason.class);
        int duplicates = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] garbage = garble(rnd, genuine, delivered);
            byte[] ad = rnd.nextInt(20) == 0 ? text("wrong") : AD;
            DecryptResult r = p.bob.decrypt(garbage, ad);
            if (r instanceof DecryptResult.Undecryptable u) {
                seen.merge(u.reason(), 1, Integer::sum);
            } else if (r instanceof DecryptResult.Duplicate) {
                duplicates++;
            } else {
                throw new AssertionError("garbage decrypted (seed " + SEED + ", step " + i + "): " + r);
            }
        }
        assertArrayEquals(before, p.bob.toRecord(), "seed " + SEED);
        assertTrue(duplicates > 0);
        for (DecryptResult.Reason reason : List.of(DecryptResult.Reason.MALFORMED, DecryptResult.Reason.BAD_AUTH_TAG,
                DecryptResult.Reason.UNKNOWN_HEADER_KEY, DecryptResult.Reason.UNSUPPORTED_VERSION)) {
            assertTrue(seen.getOrDefault(reason, 0) > 0, "no " + reason + " in " + seen);
        }
        expect(p.bob, next, "next");
        for (byte[] late : held) {
            assertEquals(DecryptResult.Decrypted.class, p.bob.decrypt(late, AD).getClass());
        }
        assertEquals(List.of(), p.bob.missingFromPeer());
    }

    /** Random bytes, truncations, extensions, bit flips, spliced parts, wrong versions, and plain replays. */
    private static byte[] garble(Random rnd, List<byte[]> genuine, List<byte[]> delivered) {
        byte[] g = genuine.get(rnd.nextInt(genuine.size())).clone();
        switch (rnd.nextInt(8)) {
            case 0: {
                byte[] b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
                return b;
            }
            case 1:
                return java.util.Arrays.copyOf(g, rnd.nextInt(g.length));
            case 2:
                return java.util.Arrays.copyOf(g, g.length + 1 + rnd.nextInt(40)); // trailing zeros
            case 3: {
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    g[rnd.nextInt(g.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return g;
            }
            case 4: {
                byte[] other = genuine.get(rnd.nextInt(genuine.size()));
                int cut = WireMessage.PREFIX_LENGTH + Header.LENGTH + 16;
                if (other.length <= cut || g.length <= cut || other[1] != g[1]) {
                    g[0] = (byte) rnd.nextInt(256);
                    return g;
                }
                byte[] b = java.util.Arrays.copyOf(g, other.length); // g's header, other's payload
                System.arraycopy(other, cut, b, cut, other.length - cut);
                return b;
            }
            case 5:
                g[0] = (byte) (2 + rnd.nextInt(254));
                return g;
            case 6:
                g[1] = (byte) rnd.nextInt(256);
                return g;
            default:
                return delivered.get(rnd.nextInt(delivered.size())).clone();
        }
    }

    @Test
    void aFailedLateMessageKeepsItsHeldKey() {
        Pair p = new Pair(41);
        byte[] m0 = p.alice.encrypt(text("0"), AD);
        expect(p.bob, p.alice.encrypt(text("1"), AD), "1");
        byte[] tampered = m0.clone();
        tampered[tampered.length - 3] ^= 0x40;
        byte[] before = p.bob.toRecord();
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), p.bob.decrypt(tampered, AD));
        assertArrayEquals(before, p.bob.toRecord());
        expect(p.bob, m0, "0");
    }

    @Test
    void aFailedFirstMessageOfANewChainDoesNotStepTheRatchet() {
        Pair p = new Pair(42);
        expect(p.bob, p.alice.encrypt(text("0"), AD), "0");
        byte[] reply = p.bob.encrypt(text("r"), AD);
        byte[] tampered = reply.clone();
        tampered[tampered.length - 1] ^= 1;
        byte[] before = p.alice.toRecord();
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), p.alice.decrypt(tampered, AD));
        assertArrayEquals(before, p.alice.toRecord());
        expect(p.alice, reply, "r");
    }
}
