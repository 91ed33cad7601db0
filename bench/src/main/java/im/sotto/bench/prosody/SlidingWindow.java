package im.sotto.bench.prosody;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps up to {@code size} messages in flight between a sender and a receiver: a message may be sent only while fewer
 * than {@code size} sent ones are not yet counted by the receiver. A round ends when the receiver has counted every
 * message of it, so a round's time covers the whole pipe (sender, server, receiver), never just the sending. With
 * {@code size} at least the round's length, the sender streams the whole batch and the round ends when the receiver
 * got all of it.
 */
final class SlidingWindow {
    /** How long a round may wait for one more delivery before it is declared stuck. */
    static final long STALL_SECONDS = 30;

    /** Sends the {@code index}-th message of a round. */
    interface Sender {
        void send(int index) throws Exception;
    }

    private final int size;
    private final Semaphore permits;
    private final AtomicInteger delivered = new AtomicInteger();

    SlidingWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + size);
        }
        this.size = size;
        this.permits = new Semaphore(size);
    }

    int size() {
        return size;
    }

    /** Called by the receiver for every message it counts. */
    void delivered() {
        delivered.incrementAndGet();
        permits.release();
    }

    /** Sends {@code n} messages through the window; returns the nanoseconds from the first send to the last receipt. */
    long round(int n, Sender sender) throws Exception {
        int start = delivered.get();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (!permits.tryAcquire(STALL_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no delivery for " + STALL_SECONDS + " s after "
                        + (delivered.get() - start) + " of " + n);
            }
            sender.send(i);
        }
        // All permits back means every message of the round was counted.
        if (!permits.tryAcquire(size, 2 * STALL_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the last messages did not arrive: " + (delivered.get() - start)
                    + " of " + n);
        }
        long elapsed = System.nanoTime() - t0;
        permits.release(size);
        int counted = delivered.get() - start;
        if (counted != n) {
            throw new IllegalStateException("the receiver counted " + counted + " messages in a round of " + n);
        }
        return elapsed;
    }
}
