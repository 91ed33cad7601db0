package im.sotto.bench.prosody;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** CPU time so far, in nanoseconds; the server's and the machine's are -1 when unknown. */
    record Snapshot(long wall, long client, long server, long machineBusy, long machineTotal) {
        Usage since(Snapshot before) {
            return new Usage(wall - before.wall, client - before.client,
                    server < 0 || before.server < 0 ? -1 : server - before.server,
                    machineBusy < 0 || before.machineBusy < 0 ? -1 : machineBusy - before.machineBusy,
                    machineTotal < 0 || before.machineTotal < 0 ? -1 : machineTotal - before.machineTotal);
        }
    }

    /** CPU used between two snapshots, in nanoseconds; -1 where unknown. */
    record Usage(long wall, long client, long server, long machineBusy, long machineTotal) {
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
                machine == null ? -1 : machine[0] * nanosPerTick, machine == null ? -1 : machine[1] * nanosPerTick);
    }

    /** utime + stime of a process from {@code /proc/PID/stat}, or -1 if it cannot be read. */
    long processNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
            // f[0] is field 3 (state); utime and stime are fields 14 and 15.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * nanosPerTick;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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
