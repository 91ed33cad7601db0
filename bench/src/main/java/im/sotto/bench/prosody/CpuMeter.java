package im.sotto.bench.prosody;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM (both clients, their Sotto workers, GC and JIT), of the server process and of the whole machine,
 * read from Linux's {@code /proc} so that all three are counted the same way. Differences of two snapshots tell how
 * many cores each used during a round: a round that leaves cores idle is bound by something other than CPU.
 */
final class CpuMeter {
    /** Used when {@code getconf CLK_TCK} cannot be run; Linux has reported 100 on every common platform for decades. */
    static final long DEFAULT_TICKS_PER_SECOND = 100;

    private final long serverPid;
    private final long nanosPerTick;

    /** {@code serverPid} of 0 or less: the server is not measured. */
    CpuMeter(long serverPid) {
        this.serverPid = serverPid;
        this.nanosPerTick = 1_000_000_000L / ticksPerSecond();
    }

    /**
     * CPU time so far, in nanoseconds; the server's and the machine's are -1 when unknown. {@code clientThreads} splits
     * the client's by thread group (the thread's name with digits replaced by {@code #}).
     */
    record Snapshot(long wall, long client, long server, long machineBusy, long machineTotal,
            Map<String, Long> clientThreads) {
        Usage since(Snapshot before) {
            Map<String, Long> threads = new TreeMap<>();
            clientThreads.forEach((group, nanos) -> threads.put(group,
                    nanos - before.clientThreads.getOrDefault(group, 0L)));
            return new Usage(wall - before.wall, client - before.client,
                    server < 0 || before.server < 0 ? -1 : server - before.server,
                    machineBusy < 0 || before.machineBusy < 0 ? -1 : machineBusy - before.machineBusy,
                    machineTotal < 0 || before.machineTotal < 0 ? -1 : machineTotal - before.machineTotal, threads);
        }
    }

    /**
     * CPU used between two snapshots, in nanoseconds; -1 where unknown. Threads that ended in between are missing
     * from {@code clientThreads} (Smack's short-lived executor threads), so its sum can fall short of {@code client}.
     */
    record Usage(long wall, long client, long server, long machineBusy, long machineTotal,
            Map<String, Long> clientThreads) {
        /** Cores the client JVM kept busy on average (1.0 = one core all the time). */
        double clientCores() {
            return (double) client / wall;
        }

        double serverCores() {
            return server < 0 ? Double.NaN : (double) server / wall;
        }

        /** Cores busy with anything else on the machine (other people's builds, the kernel's own threads). */
        double otherCores() {
            if (machineBusy < 0 || server < 0) {
                return Double.NaN;
            }
            return Math.max(0, (double) (machineBusy - client - server) / wall);
        }
    }

    Snapshot now() {
        long[] machine = machineTicks();
        return new Snapshot(System.nanoTime(), processNanos(ProcessHandle.current().pid()),
                serverPid > 0 ? processNanos(serverPid) : -1,
                machine == null ? -1 : machine[0] * nanosPerTick, machine == null ? -1 : machine[1] * nanosPerTick,
                threadGroups());
    }

    /** This process's threads' CPU by group: the JVM names its native threads (15 characters at most). */
    private Map<String, Long> threadGroups() {
        Map<String, Long> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                    long nanos = statNanos(Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII));
                    groups.merge(name.replaceAll("[0-9]+", "#"), nanos, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // The thread ended while being read.
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return groups;
    }

    /** utime + stime of a process from {@code /proc/PID/stat}, or -1 if it cannot be read. */
    long processNanos(long pid) {
        try {
            return statNanos(Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                    StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime from a {@code stat} line of {@code /proc}. */
    private long statNanos(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15.
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * nanosPerTick;
    }

    /** Busy and total ticks of all cores from {@code /proc/stat}'s first line, or null. */
    private static long[] machineTicks() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = first.trim().split(" +");
            long total = 0;
            for (int i = 1; i < f.length && i <= 7; i++) { // user nice system idle iowait irq softirq (not steal)
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : DEFAULT_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_TICKS_PER_SECOND;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_TICKS_PER_SECOND;
        }
    }
}
