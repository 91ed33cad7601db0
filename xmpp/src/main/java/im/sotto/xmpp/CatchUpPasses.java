package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;

/**
 * Runs a login's archive catch-up (protocol.md 7.5) to the archive's end within the run: passes of at most the
 * per-pass cap ({@link ArchiveCatchUp#MAX_PER_PASS}), one after another on the worker, a failed pass tried again after
 * a wait; and holds live stanzas ({@link CatchUpHold}) from the connection until catch-up is done, so that nothing
 * live is opened before the archived messages it follows. Before, a capped catch-up resumed only at the next login,
 * and a failed one (no answer in time from a loaded server) left the live stream to run ahead of the archive.
 * Later in the run it also starts the advance passes ({@link #afterLive}): the stored position moves only by archive
 * passes, never by a live stanza (protocol.md 7.5, "Position").
 * Worker thread only, except {@link #PASS_CAP_PROPERTY} read at construction.
 */
final class CatchUpPasses {
    private static final Logger LOG = Logger.getLogger(CatchUpPasses.class.getName());

    /**
     * Test hook: {@code -Dsotto.archive.passCap=N} lowers the per-pass cap (1 to {@link ArchiveCatchUp#MAX_PER_PASS}),
     * so a test can prove several passes in one run without archiving thousands of messages. Read when a manager is
     * enabled; never set it in production.
     */
    static final String PASS_CAP_PROPERTY = "sotto.archive.passCap";
    /**
     * Attempts of a pass that fails (a loaded server that does not answer in time, an error) before catch-up gives up
     * until the next login, waiting {@link #RETRY_FIRST_WAIT_MS} and then twice as long each time (1, 2, 4, 8 s): held
     * live stanzas are then released, and the position stays where it was for the next login.
     */
    static final int MAX_ATTEMPTS = 5;
    static final long RETRY_FIRST_WAIT_MS = 1_000;

    /**
     * Where a catch-up's work goes: {@code archived} processes a fetched stanza, {@code live} a held live one (as on
     * arrival), and {@code done} runs once per login when catch-up completed or gave up.
     */
    record Sink(Consumer<Message> archived, Consumer<Stanza> live, Runnable done) {
    }

    private final ArchiveCatchUp archive;
    private final ScheduledExecutorService worker;
    private final CatchUpHold hold;
    private final int passCap;
    /** Counts streams; a pass scheduled for an earlier one does nothing. */
    private int stream;
    private int failures;
    /** The sink of the current login's catch-up, for advance passes; null before the first login. */
    private Sink sink;
    /** A pass (the login's catch-up or an advance pass) is scheduled or running. */
    private boolean passing;
    /** Publishing that waits for a first run's archive position (see {@link #whenPositionKnown}). */
    private final List<Runnable> waitingForPosition = new ArrayList<>();

    CatchUpPasses(ArchiveCatchUp archive, ScheduledExecutorService worker, Predicate<Stanza> urgent) {
        this.archive = archive;
        this.worker = worker;
        this.passCap = Math.max(1, Math.min(ArchiveCatchUp.MAX_PER_PASS,
                Integer.getInteger(PASS_CAP_PROPERTY, ArchiveCatchUp.MAX_PER_PASS)));
        this.hold = new CatchUpHold(archive::archived, urgent);
        hold.begin();
    }

    /** A new stream (before any of its stanzas): held from now until its login's catch-up is done. */
    void connecting() {
        stream++;
        passing = false;
        archive.connecting();
        hold.forget();
        hold.begin();
    }

    /** Whether {@code live} waits for catch-up (then processed, or skipped if catch-up processed it). */
    boolean hold(Stanza live) {
        return hold.hold(live);
    }

    /**
     * Runs {@code publish} once this device has an archive position (or its server keeps no archive): now, except
     * on an account's first run before its catch-up stored where the archive ends. Anything for this device can only
     * follow its published bundle, and a first run takes the archive's end as its start; a bundle published before
     * that mark was stored (the mark failed, or the process died in between) let a message for the device precede
     * the next run's mark, which then skipped it unprocessed. Until the mark is stored, publishing waits (across
     * logins, if catch-up gives up).
     */
    void whenPositionKnown(Runnable publish) {
        if (archive.positionKnown()) {
            publish.run();
        } else {
            waitingForPosition.add(publish);
        }
    }

    /** After a login: catches up in passes, then releases what was held and runs {@code sink.done()}. */
    void catchUp(Sink sink) {
        this.sink = sink;
        failures = 0;
        passing = true;
        pass(stream, sink, true);
    }

    /**
     * {@code live} was processed ({@code idle}: nothing else waits for the worker). When an advance pass is due
     * ({@link ArchiveCatchUp#processed}), one runs next on the worker: it processes what the archive holds after the
     * stored position that the live stream did not bring, and moves the position.
     */
    void afterLive(Stanza live, boolean idle) {
        if (archive.processed(live, idle) && !passing && !hold.holding() && sink != null) {
            passing = true;
            failures = 0;
            int forStream = stream;
            Sink current = sink;
            worker.execute(() -> pass(forStream, current, false));
        }
    }

    private void pass(int forStream, Sink sink, boolean first) {
        if (forStream != stream) {
            return; // a newer stream has its own catch-up
        }
        try {
            if (!archive.isSupported()) {
                finish(sink);
                return;
            }
            if (first) {
                archive.awaitInitialPresence();
            }
            boolean complete = archive.fetch(sink.archived(), passCap);
            runWaitingForPosition();
            if (complete) {
                archive.caughtUp();
                finish(sink);
            } else {
                LOG.log(Level.FINE, "catch-up pass capped at {0}; another pass follows", passCap);
                worker.execute(() -> pass(forStream, sink, false));
            }
        } catch (XMPPException | SmackException e) {
            if (++failures >= MAX_ATTEMPTS) {
                LOG.log(Level.INFO, "archive catch-up stopped until the next login: {0}", e.toString());
                finish(sink);
            } else {
                LOG.log(Level.INFO, "archive catch-up failed ({0}); trying again", e.toString());
                worker.schedule(() -> pass(forStream, sink, false), RETRY_FIRST_WAIT_MS << (failures - 1),
                        TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(sink);
        }
    }

    /** Processes what was held in arrival order (skipping what catch-up processed), then reports done. */
    private void finish(Sink sink) {
        for (Stanza live : hold.release()) {
            try {
                if (!archive.alreadyProcessed(live)) {
                    sink.live().accept(live);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a held stanza could not be processed", e);
            } finally {
                archive.processed(live, false);
            }
        }
        passing = false;
        runWaitingForPosition();
        sink.done().run();
    }

    private void runWaitingForPosition() {
        if (!waitingForPosition.isEmpty() && archive.positionKnown()) {
            List<Runnable> now = List.copyOf(waitingForPosition);
            waitingForPosition.clear();
            now.forEach(Runnable::run);
        }
    }
}
