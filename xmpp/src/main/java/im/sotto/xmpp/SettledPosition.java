package im.sotto.xmpp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Where the stored archive position (protocol.md 7.5) may move after a page of an archive pass, so that it never
 * passes an archived stanza this device has not processed (issue #23, the ejabberd silent loss):
 * <ol>
 * <li>Only archive results move it, never a live stanza. A live stream proves nothing about the archive before it: a
 * stanza can be archived without ever reaching this connection (written to a dying session of an earlier run,
 * swallowed on the way), and a live stanza processed after it then moved the position past it for good.</li>
 * <li>It trails by {@link #SETTLE}: it passes only results whose server time (delay stamp) is that much before the
 * newest result of the pass or this device's clock, whichever is later.
 * ejabberd numbers a stanza (its archive id is a timestamp) when it routes it, but writes it to the archive when the
 * receiving session's process handles it; a stanza routed to the session of an earlier run that is still working
 * through its queue is written after a later query came back complete, with an id below ids that query returned. A
 * query {@code after} an id past it never returns it; a position that trails the newest result leaves it room.</li>
 * </ol>
 * It also gives the message log sequence stored with the position: no later than the log entry of any stanza after
 * the position that was processed, so catch-up's scan of the log finds them (and skips them, ratchet untouched).
 * Worker thread only.
 */
final class SettledPosition {
    /**
     * How far the position trails the newest archived stanza seen: three times the 9.4 s seen in the failing kill-test
     * run on a loaded ejabberd (between the last stanza a complete query returned and the live one whose id passed
     * what the archive had not written yet). A stanza written to the archive more than this after it was numbered can still be passed (a residual
     * risk, docs/reliability.md); each second more costs every pass that many seconds of results fetched again.
     */
    static final Duration SETTLE = Duration.ofSeconds(30);
    /**
     * Archive ids this run processed (live or fetched), with a log sequence no later than their entries: two catch-up
     * passes' worth, more than one pass's window ({@link #SETTLE} plus the time between passes) at the rates seen.
     */
    static final int REMEMBERED = 2 * ArchiveCatchUp.MAX_PER_PASS;
    /** A result that sets no bound on the log sequence (not for this device: it has no log entry to find). */
    static final long NO_LOG_BOUND = Long.MAX_VALUE;

    /** What a pass saw, in archive order: id, server time, and the log sequence its entry is at or after. */
    private record Seen(String archiveId, Instant stamp, long logFloor) {
    }

    private final Map<String, Long> processedInRun = new LinkedHashMap<>();
    private final List<Seen> pass = new ArrayList<>();
    private final Duration settle;

    SettledPosition(Duration settle) {
        this.settle = settle;
    }

    /** {@code archiveId} was processed in this run; its log entry (if any) comes after {@code logFloor}. */
    void processed(String archiveId, long logFloor) {
        processedInRun.putIfAbsent(archiveId, logFloor);
        if (processedInRun.size() > REMEMBERED) {
            Iterator<String> oldest = processedInRun.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The log floor of {@code archiveId} if this run processed it. */
    Optional<Long> processedInRun(String archiveId) {
        return Optional.ofNullable(processedInRun.get(archiveId));
    }

    /** A pass begins: what the previous one saw no longer bounds anything. */
    void beginPass() {
        pass.clear();
    }

    /** The pass saw {@code archiveId} (processed, skipped as processed, or not for this device). */
    void seen(String archiveId, Instant stamp, long logFloor) {
        pass.add(new Seen(archiveId, stamp, logFloor));
    }

    /** The last id the pass saw, where its next page or pass goes on. */
    Optional<ArchivePosition> lastSeen(long logSequence) {
        return pass.isEmpty() ? Optional.empty() : Optional.of(new ArchivePosition(pass.get(pass.size() - 1)
                .archiveId(), pass.get(pass.size() - 1).stamp(), logSequence));
    }

    /**
     * The position the pass so far allows: its last result at least {@link #SETTLE} older than its newest result or
     * than {@code now} (this device's clock), whichever is later, with the lowest log floor of the results after it
     * ({@code logTail} when none bounds it); empty when no result is old enough (the stored position stays). Without
     * {@code now} a quiet archive never settled, and every login fetched its last results again: those that had no log
     * entry (undecryptable ones) were tried and reported again each time.
     */
    Optional<ArchivePosition> settled(LongSupplier logTail, Instant now) {
        Instant newest = now;
        for (Seen seen : pass) {
            newest = seen.stamp().isAfter(newest) ? seen.stamp() : newest;
        }
        Instant limit = newest.minus(settle);
        int last = -1;
        for (int i = 0; i < pass.size(); i++) {
            if (!pass.get(i).stamp().isAfter(limit)) {
                last = i;
            }
        }
        if (last < 0) {
            return Optional.empty();
        }
        long floor = NO_LOG_BOUND;
        for (int i = last + 1; i < pass.size(); i++) {
            floor = Math.min(floor, pass.get(i).logFloor());
        }
        long tail = logTail.getAsLong();
        return Optional.of(new ArchivePosition(pass.get(last).archiveId(), pass.get(last).stamp(),
                Math.min(floor, tail)));
    }
}
