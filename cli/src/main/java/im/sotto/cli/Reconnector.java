package im.sotto.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * Brings {@code sotto chat}'s connection back after the server dropped it: tries again after {@link #FIRST_DELAY},
 * then after twice the pause each time, up to {@link #MAX_DELAY}, until it is logged in again or the chat ends. The
 * binding publishes and sends what waits by itself after each login; the chat is told so it can show it.
 */
final class Reconnector implements AutoCloseable {
    /** A restarted server is usually back within a second or two; the first try should not make a person wait. */
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    /** Longer outages: trying twice a minute costs nothing and a person at the prompt does not wait much longer. */
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    /** What the chat shows; called on the reconnector's own thread. */
    interface Listener {
        void lost(Exception why);

        void retrying(Duration in, Exception why);

        void back();
    }

    private final XMPPTCPConnection connection;
    private final Listener listener;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sotto-reconnect");
        thread.setDaemon(true);
        return thread;
    });
    private final ConnectionListener closed = new ConnectionListener() {
        @Override
        public void connectionClosedOnError(Exception e) {
            listener.lost(e);
            schedule(FIRST_DELAY);
        }
    };
    private volatile boolean stopped;
    /** One attempt waits at a time: a drop during a login that fails anyway does not start a second chain. */
    private final AtomicBoolean waiting = new AtomicBoolean();

    private Reconnector(XMPPTCPConnection connection, Listener listener) {
        this.connection = connection;
        this.listener = listener;
    }

    static Reconnector watch(XMPPTCPConnection connection, Listener listener) {
        Reconnector reconnector = new Reconnector(connection, listener);
        connection.addConnectionListener(reconnector.closed);
        return reconnector;
    }

    private void schedule(Duration delay) {
        if (!stopped && waiting.compareAndSet(false, true)) {
            timer.schedule(() -> attempt(delay), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void attempt(Duration delay) {
        waiting.set(false);
        if (stopped) {
            return;
        }
        try {
            if (!connection.isConnected()) {
                connection.connect();
            }
            if (!connection.isAuthenticated()) {
                connection.login();
            }
            listener.back();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (stopped) {
                return;
            }
            // A half-open attempt (connected, login refused or cut) starts clean next time.
            connection.disconnect();
            Duration next = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
            listener.retrying(next, e);
            schedule(next);
        }
    }

    @Override
    public void close() {
        stopped = true;
        connection.removeConnectionListener(closed);
        timer.shutdownNow();
    }
}
