package im.sotto.bench.sidebyside;

import im.sotto.protocol.ratchet.RatchetSession;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory per session (issue #22): the bytes of one stored session record, and what {@value #SESSIONS} sessions cost
 * one process, for Sotto, libsignal-client and signal-protocol-java side by side in one run. Each side first chats
 * ({@value #PAIRS} ping-pong pairs after its session setup), so the record has the shape of a conversation in use,
 * not of a fresh session. Printed as {@code memory<TAB>label<TAB>value} lines for {@link RatioTable}.
 *
 * <p>Two costs per session, because the libraries keep sessions differently:
 * <ul>
 * <li><b>at rest</b>: the record as the in-memory stores keep it (serialized bytes, one array per session);</li>
 * <li><b>decoded</b>: the session parsed into the library's live object ({@link RatchetSession}, signal-protocol-java's
 * {@code SessionRecord}, libsignal-client's {@code SessionRecord}). libsignal-client's object is a handle to Rust
 * memory outside the Java heap, so the decoded cost is also measured as the process's resident set (RSS), which sees
 * both.</li>
 * </ul>
 * Sessions are copies of one record (each its own array, or its own decoded object): the same state
 * {@value #SESSIONS} times, which is what an account with that many equally busy conversations holds. Heap figures
 * are the difference of the used heap after full collections, before and after, divided by the count.
 */
public final class SessionMemoryFigures {
    /** The figure: enough sessions that per-object overheads dominate nothing and the heap delta is MBs. */
    static final int SESSIONS = 10_000;
    /** Ping-pong pairs after the setup: every pair is two DH steps, so each side has a history like a chat's. */
    static final int PAIRS = 20;

    /** A library's two ways to hold one session, as the figures need them. */
    interface Side {
        String name();

        /** The record of an established, used session, as its in-memory store keeps it. */
        byte[] record() throws Exception;

        /** The record parsed into the library's live session object (kept reachable by the caller). */
        Object decode(byte[] record) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : SESSIONS;
        for (Side side : sides()) {
            measure(side, sessions).forEach((k, v) -> System.out.println("memory\t" + k + "\t" + v));
        }
    }

    static List<Side> sides() throws Exception {
        return List.of(sotto(), libsignal(), signalJava());
    }

    /** The figures of one side: record bytes, heap per record at rest, heap and RSS per decoded session. */
    static Map<String, Long> measure(Side side, int sessions) throws Exception {
        Map<String, Long> figures = new LinkedHashMap<>();
        byte[] record = side.record();
        figures.put(side.name() + " record bytes", (long) record.length);

        long before = usedHeapAfterGc();
        List<byte[]> atRest = new ArrayList<>(sessions);
        for (int i = 0; i < sessions; i++) {
            atRest.add(record.clone());
        }
        figures.put(side.name() + " heap per session at rest", (usedHeapAfterGc() - before) / sessions);
        if (atRest.size() != sessions) {
            throw new IllegalStateException("the records must stay reachable until measured");
        }
        atRest.clear();

        before = usedHeapAfterGc();
        long rssBefore = residentBytes();
        List<Object> decoded = new ArrayList<>(sessions);
        for (int i = 0; i < sessions; i++) {
            decoded.add(side.decode(record));
        }
        long heap = usedHeapAfterGc() - before;
        long rss = residentBytes() - rssBefore;
        figures.put(side.name() + " heap per decoded session", heap / sessions);
        if (rss > 0 && rssBefore > 0) {
            figures.put(side.name() + " resident bytes per decoded session", rss / sessions);
        }
        if (decoded.size() != sessions) {
            throw new IllegalStateException("the sessions must stay reachable until measured");
        }
        return figures;
    }

    private static Side sotto() {
        return new Side() {
            private final SecureRandom random = new SecureRandom();
            private final Clock clock = Clock.systemUTC();

            @Override
            public String name() {
                return "Sotto";
            }

            @Override
            public byte[] record() throws Exception {
                SottoParties p = new SottoParties(im.sotto.protocol.crypto.CipherSuite.X25519_AESGCM_SHA256, false);
                p.establish();
                for (int i = 0; i < PAIRS; i++) {
                    p.pingPong();
                }
                return p.aliceStore.transact(s -> s.sessions().load(SottoParties.BOB).orElseThrow());
            }

            @Override
            public Object decode(byte[] record) throws Exception {
                return RatchetSession.fromRecord(record, random, clock);
            }
        };
    }

    private static Side libsignal() {
        return new Side() {
            @Override
            public String name() {
                return "libsignal-client";
            }

            @Override
            public byte[] record() throws Exception {
                LibsignalParties p = new LibsignalParties();
                p.establish();
                for (int i = 0; i < PAIRS; i++) {
                    p.pingPong();
                }
                return p.aliceStore.loadSession(p.bobAddress).serialize();
            }

            @Override
            public Object decode(byte[] record) throws Exception {
                return new org.signal.libsignal.protocol.state.SessionRecord(record);
            }
        };
    }

    private static Side signalJava() {
        return new Side() {
            @Override
            public String name() {
                return "signal-protocol-java";
            }

            @Override
            public byte[] record() throws Exception {
                SignalJavaParties p = new SignalJavaParties();
                p.establish();
                for (int i = 0; i < PAIRS; i++) {
                    p.pingPong();
                }
                return p.aliceStore.loadSession(p.bobAddress).serialize();
            }

            @Override
            public Object decode(byte[] record) throws Exception {
                return new org.whispersystems.libsignal.state.SessionRecord(record);
            }
        };
    }

    /** Used heap after full collections, repeated until it stops shrinking (finalizers and references settle). */
    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }

    /** The process's resident set from /proc (Linux); 0 where it cannot be read. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
