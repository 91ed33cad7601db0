package im.sotto.bench.prosody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * CpuMeter reads Linux's /proc (the benchmark's machine); these tests burn CPU on a named thread and look for it. Linux
 * keeps 15 characters of a thread's name, hence the short one.
 */
class CpuMeterTest {
    /** CPU the busy thread burns (its own CPU time, so a loaded machine only makes the test slower). */
    private static final long BURN_NANOS = 300_000_000L;
    /** /proc counts in ticks of 10 ms; two readings a moment apart may differ by a few. */
    private static final long TICKS_SLACK_NANOS = 50_000_000L;

    @Test
    void aBusyThreadShowsInTheProcessAndInItsThreadGroup() throws Exception {
        CpuMeter meter = new CpuMeter(ProcessHandle.current().pid());
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            burn();
            burnt.countDown();
            try {
                measured.await(); // stay alive until read: an ended thread leaves /proc/self/task
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cpumeter-1");
        CpuMeter.Snapshot before = meter.now();
        busy.start();
        burnt.await();
        CpuMeter.Usage usage = meter.now().since(before);
        measured.countDown();
        busy.join();

        assertTrue(usage.client() >= BURN_NANOS - TICKS_SLACK_NANOS, "client CPU " + usage.client() + " ns");
        long group = usage.clientThreads().getOrDefault("cpumeter-#", 0L);
        assertTrue(group >= BURN_NANOS - TICKS_SLACK_NANOS, "thread group: " + group + " ns in "
                + usage.clientThreads());
        // This process is also the "server" here: both readings of it must agree.
        assertTrue(Math.abs(usage.server() - usage.client()) <= TICKS_SLACK_NANOS, usage.toString());
        assertTrue(usage.clientCores() > 0 && usage.machineBusy() >= usage.client() - TICKS_SLACK_NANOS,
                usage.toString());
    }

    @Test
    void anUnknownServerIsReportedAsUnknown() {
        CpuMeter meter = new CpuMeter(-1);
        CpuMeter.Usage usage = meter.now().since(meter.now());
        assertEquals(-1, usage.server());
        assertTrue(Double.isNaN(usage.serverCores()));
        assertTrue(Double.isNaN(usage.otherCores()));
        assertEquals(-1, meter.processNanos(Long.MAX_VALUE));
    }

    private static long burn() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < BURN_NANOS + TICKS_SLACK_NANOS) {
            x += List.of(x).hashCode();
        }
        return x;
    }
}
