package im.sotto.bench.sidebyside;

import im.sotto.protocol.crypto.CipherSuite;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sotto side by side with libsignal-client and signal-protocol-java, and with its own primitive floor, in one JMH
 * run. Method names are {@code figure_side}; {@code bench/run.sh} turns the results into the ratios table of
 * docs/performance.md. Every side saves its session state to its in-memory store and loads it back on every
 * operation, as the libraries do on their own; messages travel as bytes.
 *
 * <ul>
 *   <li>{@code oneWay}: Alice encrypts a 200-byte payload, Bob decrypts it; no DH step.
 *   <li>{@code pingPong}: Alice to Bob and Bob to Alice (one pair); each receipt brings a DH ratchet step.
 *   <li>{@code offline}: bundle to first message to decrypted plaintext, classical (libsignal-client always does
 *       PQXDH with Kyber-1024, so its figure is the same in both rows). {@code offlinePinned}: Sotto when Alice
 *       already knows Bob's certificate (bundle signature checked before sending, device key mixed in).
 *   <li>{@code offlineHybrid}: the same with X25519 + ML-KEM-768.
 *   <li>{@code handshake}: Sotto's online XX handshake, three messages, both certificates checked, both SAS.
 *   <li>{@code omemoOneWay}, {@code omemoPingPong}, {@code omemoSetup}: OMEMO 0.3 (issue #21), Sotto's own
 *       implementation ({@link SottoOmemoParties}) against signal-protocol-java put together as OMEMO clients do
 *       ({@link SignalJavaOmemo}): the 200-byte body under AES-128-GCM, key and tag through the ratchet.
 * </ul>
 * {@code _floor} runs the bare primitives of the Sotto operation of the same figure ({@link PrimitiveFloor}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SideBySideBenchmark {

    @State(Scope.Thread)
    public static class Sotto {
        SottoParties parties;

        @Setup
        public void setUp() throws Exception {
            parties = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, false);
            parties.establish();
        }
    }

    @State(Scope.Thread)
    public static class SottoPinned {
        SottoParties parties;

        @Setup
        public void setUp() throws Exception {
            parties = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, true);
        }
    }

    @State(Scope.Thread)
    public static class SottoHybrid {
        SottoParties parties;

        @Setup
        public void setUp() throws Exception {
            parties = new SottoParties(CipherSuite.X25519MLKEM768_AESGCM_SHA256, false);
        }
    }

    @State(Scope.Thread)
    public static class Libsignal {
        LibsignalParties parties;

        @Setup
        public void setUp() throws Exception {
            parties = new LibsignalParties();
            parties.establish();
        }
    }

    @State(Scope.Thread)
    public static class SignalJava {
        SignalJavaParties parties;

        @Setup
        public void setUp() throws Exception {
            parties = new SignalJavaParties();
            parties.establish();
        }
    }

    /** Floors: the AEAD and HMAC counts of each figure are taken from one counted run of Sotto's operation. */
    @State(Scope.Thread)
    public static class Floors {
        PrimitiveFloor oneWay;
        PrimitiveFloor pingPong;
        PrimitiveFloor offline;
        PrimitiveFloor offlineHybrid;
        PrimitiveFloor handshake;

        @Setup
        public void setUp() throws Exception {
            Floors f = measure();
            oneWay = f.oneWay;
            pingPong = f.pingPong;
            offline = f.offline;
            offlineHybrid = f.offlineHybrid;
            handshake = f.handshake;
        }

        /** Counts every figure's operations (outside any timed code) and builds the floors. */
        public static Floors measure() throws Exception {
            Floors f = new Floors();
            SottoParties s = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, false);
            s.establish();
            s.oneWay(); // warm: the first message after establishing is not typical
            f.oneWay = new PrimitiveFloor(FloorCounts.ONE_WAY, JcaCounter.count(s::oneWay, Anchors.REWIND_EVERY));
            f.pingPong = new PrimitiveFloor(FloorCounts.PING_PONG, JcaCounter.count(s::pingPong, 10));
            f.offline = new PrimitiveFloor(FloorCounts.offline(false, false), JcaCounter.count(s::offline, 10));
            f.handshake = new PrimitiveFloor(FloorCounts.HANDSHAKE, JcaCounter.count(s::handshake, 10));
            SottoParties h = new SottoParties(CipherSuite.X25519MLKEM768_AESGCM_SHA256, false);
            f.offlineHybrid = new PrimitiveFloor(FloorCounts.offline(false, true), JcaCounter.count(h::offline, 10));
            return f;
        }
    }

    // --- encrypt + decrypt, one direction, no DH step ---

    @Benchmark
    public byte[] oneWay_sotto(Sotto s) throws Exception {
        return s.parties.oneWay();
    }

    @Benchmark
    public byte[] oneWay_libsignal(Libsignal s) throws Exception {
        return s.parties.oneWay();
    }

    @Benchmark
    public byte[] oneWay_signalJava(SignalJava s) throws Exception {
        return s.parties.oneWay();
    }

    @Benchmark
    public long oneWay_floor(Floors f) throws Exception {
        return f.oneWay.run();
    }

    // --- ping-pong, a DH ratchet step on every message ---

    @Benchmark
    public byte[] pingPong_sotto(Sotto s) throws Exception {
        return s.parties.pingPong();
    }

    @Benchmark
    public byte[] pingPong_libsignal(Libsignal s) throws Exception {
        return s.parties.pingPong();
    }

    @Benchmark
    public byte[] pingPong_signalJava(SignalJava s) throws Exception {
        return s.parties.pingPong();
    }

    @Benchmark
    public long pingPong_floor(Floors f) throws Exception {
        return f.pingPong.run();
    }

    // --- offline session setup, classical ---

    @Benchmark
    public byte[] offline_sotto(Sotto s) throws Exception {
        return s.parties.offline();
    }

    @Benchmark
    public byte[] offlinePinned_sotto(SottoPinned s) throws Exception {
        return s.parties.offline();
    }

    @Benchmark
    public byte[] offline_libsignal(Libsignal s) throws Exception {
        return s.parties.offline();
    }

    @Benchmark
    public byte[] offline_signalJava(SignalJava s) throws Exception {
        return s.parties.offline();
    }

    @Benchmark
    public long offline_floor(Floors f) throws Exception {
        return f.offline.run();
    }

    // --- offline session setup, hybrid ---

    @Benchmark
    public byte[] offlineHybrid_sotto(SottoHybrid s) throws Exception {
        return s.parties.offline();
    }

    @Benchmark
    public long offlineHybrid_floor(Floors f) throws Exception {
        return f.offlineHybrid.run();
    }

    // --- online handshake ---

    @Benchmark
    public Object handshake_sotto(Sotto s) throws Exception {
        return s.parties.handshake();
    }

    @Benchmark
    public long handshake_floor(Floors f) throws Exception {
        return f.handshake.run();
    }

    // --- OMEMO 0.3 (issue #21): Sotto's implementation against signal-protocol-java's ---

    @State(Scope.Thread)
    public static class SottoOmemo {
        SottoOmemoParties parties;

        @Setup
        public void setUp() throws Exception {
            parties = new SottoOmemoParties();
            parties.establish();
        }
    }

    @State(Scope.Thread)
    public static class SignalJavaOmemoState {
        SignalJavaOmemo parties;

        @Setup
        public void setUp() throws Exception {
            parties = new SignalJavaOmemo();
            parties.establish();
        }
    }

    @Benchmark
    public byte[] omemoOneWay_sotto(SottoOmemo s) throws Exception {
        return s.parties.oneWay();
    }

    @Benchmark
    public byte[] omemoOneWay_signalJava(SignalJavaOmemoState s) throws Exception {
        return s.parties.oneWay();
    }

    @Benchmark
    public byte[] omemoPingPong_sotto(SottoOmemo s) throws Exception {
        return s.parties.pingPong();
    }

    @Benchmark
    public byte[] omemoPingPong_signalJava(SignalJavaOmemoState s) throws Exception {
        return s.parties.pingPong();
    }

    @Benchmark
    public byte[] omemoSetup_sotto(SottoOmemo s) throws Exception {
        return s.parties.setup();
    }

    @Benchmark
    public byte[] omemoSetup_signalJava(SignalJavaOmemoState s) throws Exception {
        return s.parties.setup();
    }
}
