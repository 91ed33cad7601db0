package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random interleavings of send, deliver, reorder, drop, duplicate, garbage and save/load over 10,000 steps. Every
 * delivered message decrypts exactly once with the right content and number; every dropped one is reported missing.
 * The seed is printed on failure; rerun one with {@code -Dsotto.ratchet.seed=N}.
 */
class TwoPartyPropertyTest {
    private static final int STEPS = 10_000;

    private record Sent(byte[] message, long sequence, String plaintext) {}

    /** One direction of the conversation, from the receiver's point of view. */
    private static final class Direction {
        final String name;
        final List<Sent> inFlight = new ArrayList<>();
        final List<Sent> delivered = new ArrayList<>();
        final Set<Long> decrypted = new HashSet<>();
        final Set<Long> dropped = new HashSet<>();
        final Set<Long> reportedMissing = new HashSet<>();

        Direction(String name) {
            this.name = name;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0x5077_0A11L, 0x5077_0B22L})
    void randomInterleavings(long defaultSeed) throws Exception {
        long seed = Long.getLong("sotto.ratchet.seed", defaultSeed);
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("two-party property failed with seed " + seed + ": " + e.getMessage(), e);
        }
    }

    private static void run(long seed) throws RatchetRecordException {
        Random rnd = new Random(seed);
        Pair p = new Pair(seed);
        Direction toBob = new Direction("alice->bob");
        Direction toAlice = new Direction("bob->alice");
        for (int step = 0; step < STEPS; step++) {
            p.clock.advance(Duration.ofSeconds(1));
            boolean aliceActs = rnd.nextBoolean();
            RatchetSession sender = aliceActs ? p.alice : p.bob;
            RatchetSession receiver = aliceActs ? p.bob : p.alice;
            Direction out = aliceActs ? toBob : toAlice;
            int action = rnd.nextInt(100);
            if (action < 40) {
                // One-way runs now and then, long enough to cross a heartbeat.
                int burst = rnd.nextInt(200) == 0 ? RatchetLimits.HEARTBEAT_INTERVAL + rnd.nextInt(20) : 1;
                for (int i = 0; i < burst && sender.canEncrypt(); i++) {
                    long seq = sender.sentCount();
                    String text = out.name + " " + seq;
                    out.inFlight.add(new Sent(sender.encrypt(text.getBytes(StandardCharsets.UTF_8), AD), seq, text));
                }
            } else if (action < 70 && !out.inFlight.isEmpty()) {
                deliver(receiver, out, out.inFlight.remove(0));
            } else if (action < 83 && !out.inFlight.isEmpty()) {
                deliver(receiver, out, out.inFlight.remove(rnd.nextInt(out.inFlight.size())));
            } else if (action < 88 && !out.inFlight.isEmpty()) {
                out.dropped.add(out.inFlight.remove(rnd.nextInt(out.inFlight.size())).sequence());
            } else if (action < 94 && !out.delivered.isEmpty()) {
                Sent again = out.delivered.get(rnd.nextInt(out.delivered.size()));
                DecryptResult r = receiver.decrypt(again.message(), AD);
                assertTrue(r instanceof DecryptResult.Duplicate
                        || r.equals(new DecryptResult.Undecryptable(DecryptResult.Reason.UNKNOWN_HEADER_KEY)),
                        "step " + step + ": re-delivery gave " + r);
            } else if (action < 98 && !out.delivered.isEmpty()) {
                byte[] g = out.delivered.get(rnd.nextInt(out.delivered.size())).message().clone();
                g[rnd.nextInt(g.length)] ^= (byte) (1 << rnd.nextInt(8));
                byte[] before = receiver.toRecord();
                DecryptResult r = receiver.decrypt(g, AD);
                assertTrue(!(r instanceof DecryptResult.Decrypted), "step " + step + ": garbage decrypted");
                assertArrayEquals(before, receiver.toRecord(), "step " + step + ": garbage changed the session");
            } else if (action >= 98) {
                p.reload();
            }
        }
        // Flush: everything in flight arrives in random order, then each side sends one last message that arrives,
        // so every dropped message lies before a message the receiver got.
        for (Direction d : List.of(toBob, toAlice)) {
            RatchetSession receiver = d == toBob ? p.bob : p.alice;
            while (!d.inFlight.isEmpty()) {
                deliver(receiver, d, d.inFlight.remove(rnd.nextInt(d.inFlight.size())));
            }
        }
        for (Direction d : List.of(toBob, toAlice)) {
            RatchetSession sender = d == toBob ? p.alice : p.bob;
            RatchetSession receiver = d == toBob ? p.bob : p.alice;
            if (sender.canEncrypt()) {
                long seq = sender.sentCount();
                deliver(receiver, d, new Sent(sender.encrypt("last".getBytes(StandardCharsets.UTF_8), AD), seq, "last"));
            }
            check(d, receiver);
        }
        assertTrue(toBob.decrypted.size() > 1000 && toAlice.decrypted.size() > 1000, "too little traffic");
        assertTrue(!toBob.dropped.isEmpty() && !toAlice.dropped.isEmpty(), "nothing dropped");
    }

    private static void deliver(RatchetSession receiver, Direction d, Sent s) {
        DecryptResult r = receiver.decrypt(s.message(), AD);
        if (!(r instanceof DecryptResult.Decrypted dec)) {
            throw new AssertionError(d.name + " message " + s.sequence() + " did not decrypt: " + r);
        }
        assertEquals(s.plaintext(), new String(dec.plaintext(), StandardCharsets.UTF_8));
        assertEquals(s.sequence(), dec.sequence());
        assertTrue(d.decrypted.add(s.sequence()), d.name + " message " + s.sequence() + " decrypted twice");
        for (SequenceRange range : dec.newlyMissing()) {
            for (long q = range.first(); q <= range.last(); q++) {
                assertTrue(d.reportedMissing.add(q), "reported missing twice: " + q);
            }
        }
        d.delivered.add(s);
    }

    private static void check(Direction d, RatchetSession receiver) {
        Set<Long> stillMissing = new HashSet<>();
        for (SequenceRange range : receiver.missingFromPeer()) {
            for (long q = range.first(); q <= range.last(); q++) {
                stillMissing.add(q);
            }
        }
        assertEquals(d.dropped, stillMissing, d.name + ": missing now");
        Set<Long> everReported = new HashSet<>(d.dropped);
        for (Sent s : d.delivered) {
            if (d.reportedMissing.contains(s.sequence())) {
                everReported.add(s.sequence()); // reordered: reported missing, then arrived late
            }
        }
        assertEquals(everReported, d.reportedMissing, d.name + ": reported missing");
    }
}
