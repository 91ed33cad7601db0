package im.sotto.cli;

import java.util.List;

/**
 * Hangs up cleanly when a long-running command is told to stop (Ctrl-C's SIGINT, SIGTERM from a service manager or
 * {@code kill}). Without it the JVM exits without closing its XMPP stream, and a server with stream management keeps
 * the account's session hibernating for minutes: messages sent meanwhile go to that dead session instead of to
 * offline storage and the next login. The hook closes the given resources in order, once; closing this object
 * (the command ended by itself) withdraws the hook.
 */
final class StopSignals implements AutoCloseable {
    private final Thread hook;

    private StopSignals(List<AutoCloseable> inOrder) {
        this.hook = new Thread(() -> {
            for (AutoCloseable resource : inOrder) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // Stopping anyway: what could not be closed is closed by the process's exit.
                }
            }
        }, "sotto-stop");
    }

    /** Closes {@code resources}, in this order, when the process is told to stop before the command ends. */
    static StopSignals closeOnStop(AutoCloseable... resources) {
        StopSignals signals = new StopSignals(List.of(resources));
        Runtime.getRuntime().addShutdownHook(signals.hook);
        return signals;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException stopping) {
            // The process is already stopping: the hook runs (or ran); wait so that nothing closes twice at once.
            try {
                hook.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
