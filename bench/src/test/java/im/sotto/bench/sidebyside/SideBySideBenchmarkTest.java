package im.sotto.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs every side-by-side benchmark method a few times, directly and not through JMH, so the benchmark code cannot
 * rot: each side really encrypts, decrypts and sets sessions up. Nothing here measures or asserts a time.
 */
class SideBySideBenchmarkTest {
    private static final int RUNS = 3;
    private final SideBySideBenchmark bench = new SideBySideBenchmark();

    @Test
    void sottoMethodsRun() throws Exception {
        SideBySideBenchmark.Sotto s = new SideBySideBenchmark.Sotto();
        s.setUp();
        SideBySideBenchmark.SottoPinned pinned = new SideBySideBenchmark.SottoPinned();
        pinned.setUp();
        SideBySideBenchmark.SottoHybrid hybrid = new SideBySideBenchmark.SottoHybrid();
        hybrid.setUp();
        // Past a rewind, so the rewound records are exercised too.
        for (int i = 0; i < Anchors.REWIND_EVERY + RUNS; i++) {
            assertArrayEquals(Anchors.PAYLOAD, bench.oneWay_sotto(s));
        }
        for (int i = 0; i < RUNS; i++) {
            assertArrayEquals(Anchors.PAYLOAD, bench.pingPong_sotto(s));
            assertArrayEquals(Anchors.PAYLOAD, bench.offline_sotto(s));
            assertArrayEquals(Anchors.PAYLOAD, bench.offlinePinned_sotto(pinned));
            assertArrayEquals(Anchors.PAYLOAD, bench.offlineHybrid_sotto(hybrid));
            assertNotNull(bench.handshake_sotto(s));
        }
    }

    @Test
    void anchorMethodsRun() throws Exception {
        SideBySideBenchmark.Libsignal l = new SideBySideBenchmark.Libsignal();
        l.setUp();
        SideBySideBenchmark.SignalJava j = new SideBySideBenchmark.SignalJava();
        j.setUp();
        for (int i = 0; i < Anchors.REWIND_EVERY + RUNS; i++) {
            assertArrayEquals(Anchors.PAYLOAD, bench.oneWay_libsignal(l));
            assertArrayEquals(Anchors.PAYLOAD, bench.oneWay_signalJava(j));
        }
        for (int i = 0; i < RUNS; i++) {
            assertArrayEquals(Anchors.PAYLOAD, bench.pingPong_libsignal(l));
            assertArrayEquals(Anchors.PAYLOAD, bench.pingPong_signalJava(j));
            assertArrayEquals(Anchors.PAYLOAD, bench.offline_libsignal(l));
            assertArrayEquals(Anchors.PAYLOAD, bench.offline_signalJava(j));
        }
    }

    /** Both OMEMO 0.3 sides: many one-way messages, ping-pongs and setups, each read back whole. */
    @Test
    void omemoMethodsRun() throws Exception {
        SideBySideBenchmark.SottoOmemo sotto = new SideBySideBenchmark.SottoOmemo();
        sotto.setUp();
        SideBySideBenchmark.SignalJavaOmemoState signal = new SideBySideBenchmark.SignalJavaOmemoState();
        signal.setUp();
        for (int i = 0; i < Anchors.REWIND_EVERY + RUNS; i++) {
            assertArrayEquals(Anchors.PAYLOAD, bench.omemoOneWay_sotto(sotto));
            assertArrayEquals(Anchors.PAYLOAD, bench.omemoOneWay_signalJava(signal));
            // Setups again and again from the same bundle: the spent one-time prekeys must be put back each time.
            assertArrayEquals(Anchors.PAYLOAD, bench.omemoSetup_sotto(sotto));
            assertArrayEquals(Anchors.PAYLOAD, bench.omemoSetup_signalJava(signal));
        }
        for (int i = 0; i < RUNS; i++) {
            assertArrayEquals(Anchors.PAYLOAD, bench.omemoPingPong_sotto(sotto));
            assertArrayEquals(Anchors.PAYLOAD, bench.omemoPingPong_signalJava(signal));
            assertArrayEquals(Anchors.PAYLOAD, bench.omemoOneWay_sotto(sotto), "one-way after ping-pong");
        }
    }

    @Test
    void floorsRunWithTheCountedOperations() throws Exception {
        SideBySideBenchmark.Floors f = SideBySideBenchmark.Floors.measure();
        for (int i = 0; i < RUNS; i++) {
            bench.oneWay_floor(f);
            bench.pingPong_floor(f);
            bench.offline_floor(f);
            bench.offlineHybrid_floor(f);
            bench.handshake_floor(f);
        }
        // Every figure encrypts and authenticates something; a zero count would mean the counter saw nothing.
        for (PrimitiveFloor floor : new PrimitiveFloor[] {f.oneWay, f.pingPong, f.offline, f.offlineHybrid,
                f.handshake}) {
            assertTrue(floor.tally().seals() > 0 && floor.tally().opens() > 0 && floor.tally().macs() > 0,
                    () -> "no AEAD or HMAC counted: " + floor.tally());
        }
        assertEquals(0, f.oneWay.counts().x25519Agree());
        System.out.printf("floor counts per operation:%n oneWay %s%n pingPong %s%n offline %s%n offlineHybrid %s%n"
                + " handshake %s%n", f.oneWay.tally(), f.pingPong.tally(), f.offline.tally(), f.offlineHybrid.tally(),
                f.handshake.tally());
    }
}
