package im.sotto.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * Lets the process exit without a fixed 0.3 s wait once Smack has been used.
 *
 * <p>When a JVM exits, HotSpot waits up to 300 ms for every thread that is inside native code to come back
 * ({@code VM_Exit::wait_for_threads_in_native_to_block}). Smack 4.4 starts its reactor with its first connection and
 * keeps one of the reactor's two threads in {@code Selector.select()} for the life of the process, with no way to
 * stop it: every command that logged in paid those 0.3 s after its work was done (a third of a {@code send}'s time
 * after the login). Just before exiting, each reactor thread is handed a task that blocks it in Java code instead,
 * which the exit does not wait for. Nothing of Smack runs after that, so nothing is cut short; a command that never
 * made a connection skips all of this.
 *
 * <p>Only {@link Reactor} touches Smack's classes, and only once a connection was made: initialising Smack costs a
 * command that never connects (a hand-off to a running listen, {@code --version}) a quarter of a second.
 */
final class SmackExit {
    /** The reactor's threads in Smack 4.4; a task no thread picks up (a later Smack with fewer) stays queued. */
    private static final int REACTOR_THREADS = 2;
    /** Longest wait for the threads to take their tasks: one wake-up each, far below the exit's 300 ms. */
    private static final long PARK_WAIT_MS = 50;

    private static volatile boolean connectionMade;
    /** Never opened in a process that exits; the test opens it to give the reactor back to later tests. */
    private static volatile CountDownLatch released = new CountDownLatch(1);

    private SmackExit() {
    }

    /** Called where a connection is made: only then is there a reactor to park. */
    static void connectionMade() {
        connectionMade = true;
    }

    /** Blocks Smack's reactor threads in Java code; returns when they are, or after {@link #PARK_WAIT_MS}. */
    static void parkReactor() {
        if (!connectionMade) {
            return;
        }
        CountDownLatch parked = new CountDownLatch(REACTOR_THREADS);
        CountDownLatch until = released;
        for (int i = 0; i < REACTOR_THREADS; i++) {
            Reactor.run(() -> {
                parked.countDown();
                boolean interrupted = false;
                while (until.getCount() > 0) { // until the JVM is gone
                    try {
                        until.await();
                    } catch (InterruptedException e) {
                        interrupted = true; // a reactor thread is not ours to stop
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            parked.await(PARK_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // exiting anyway; at worst the JVM waits its 300 ms
        }
    }

    /** Gives the reactor threads back (for the test, which goes on using Smack after parking them). */
    static void release() {
        released.countDown();
        released = new CountDownLatch(1);
    }

    /** Extends the connection class only to reach Smack's {@code schedule}, which hands a task to the reactor. */
    private static final class Reactor extends XMPPTCPConnection {
        private Reactor(XMPPTCPConnectionConfiguration never) {
            super(never); // never instantiated
        }

        static void run(Runnable task) {
            schedule(task, 0, TimeUnit.MILLISECONDS);
        }
    }
}
