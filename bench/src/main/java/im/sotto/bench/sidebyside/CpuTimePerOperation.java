package im.sotto.bench.sidebyside;

import im.sotto.protocol.crypto.CipherSuite;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The offline-setup and one-way figures as thread CPU time per operation, for a machine too loaded for JMH's
 * throughput to mean anything (other builds taking both cores stretch wall time, not the CPU time one operation
 * uses). Each round gives every operation a slice of the same length in turn, so all sides see the same load; the
 * spread over rounds is reported, and only ratios within one run are compared (docs/performance.md, "Offline setup
 * and the one-way path, 2026-12-08"). Two builds compared side by side run at the same time, one JVM each.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/benchmark.classpath) \
 *     im.sotto.bench.sidebyside.CpuTimePerOperation offline|oneway [rounds]</pre>
 */
public final class CpuTimePerOperation {
    private static final int WARM_UP_ROUNDS = 3;
    private static final long SLICE_NANOS = 400_000_000L;

    private CpuTimePerOperation() {}

    public static void main(String[] args) throws Exception {
        String figure = args.length > 0 ? args[0] : "offline";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        measure(operations(figure), WARM_UP_ROUNDS, rounds, SLICE_NANOS).forEach((name, v) ->
                System.out.printf("%-22s CPU µs/op: min %9.2f  p25 %9.2f  median %9.2f  max %9.2f  (%d rounds)%n",
                        name, v[0], v[v.length / 4], v[v.length / 2], v[v.length - 1], v.length));
    }

    /** The operations of a figure, Sotto's next to its anchors, as SideBySideBenchmark runs them. */
    static Map<String, Callable<Object>> operations(String figure) throws Exception {
        Map<String, Callable<Object>> ops = new LinkedHashMap<>();
        SideBySideBenchmark.Floors floors = SideBySideBenchmark.Floors.measure();
        if (figure.equals("offline")) {
            SottoParties classical = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, false);
            SottoParties pinned = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, true);
            SottoParties hybrid = new SottoParties(CipherSuite.X25519MLKEM768_AESGCM_SHA256, false);
            LibsignalParties libsignal = new LibsignalParties();
            libsignal.establish();
            PrimitiveFloor pinnedFloor = new PrimitiveFloor(FloorCounts.offline(true, false),
                    JcaCounter.count(pinned::offline, 10));
            ops.put("offline_sotto", classical::offline);
            ops.put("offlinePinned_sotto", pinned::offline);
            ops.put("offlineHybrid_sotto", hybrid::offline);
            ops.put("offline_libsignal", libsignal::offline);
            ops.put("offline_floor", floors.offline::run);
            ops.put("offlinePinned_floor", pinnedFloor::run);
            ops.put("offlineHybrid_floor", floors.offlineHybrid::run);
        } else if (figure.equals("oneway")) {
            SottoParties sotto = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, false);
            sotto.establish();
            SignalJavaParties signalJava = new SignalJavaParties();
            signalJava.establish();
            ops.put("oneWay_sotto", sotto::oneWay);
            ops.put("oneWay_signalJava", signalJava::oneWay);
            ops.put("oneWay_floor", floors.oneWay::run);
        } else {
            throw new IllegalArgumentException("figure is offline or oneway, not " + figure);
        }
        return ops;
    }

    /** Per operation, its CPU microseconds per call in each measured round, sorted ascending. */
    static Map<String, double[]> measure(Map<String, Callable<Object>> ops, int warmUpRounds, int rounds,
            long sliceNanos) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> out = new LinkedHashMap<>();
        ops.keySet().forEach(name -> out.put(name, new double[rounds]));
        for (int round = -warmUpRounds; round < rounds; round++) {
            for (Map.Entry<String, Callable<Object>> op : ops.entrySet()) {
                long cpuBefore = threads.getCurrentThreadCpuTime();
                long calls = 0;
                long end = System.nanoTime() + sliceNanos;
                do {
                    op.getValue().call();
                    calls++;
                } while (System.nanoTime() < end);
                if (round >= 0) {
                    out.get(op.getKey())[round] = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1000.0 / calls;
                }
            }
        }
        out.values().forEach(java.util.Arrays::sort);
        return out;
    }
}
