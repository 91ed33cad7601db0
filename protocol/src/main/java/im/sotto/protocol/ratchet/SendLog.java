package im.sotto.protocol.ratchet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Send times of our content messages the peer has not acknowledged yet, as (sequence, millis) pairs in sending order.
 * Empty messages (heartbeats, a session's confirmation) are not entered: no user wrote them, so a loss report must
 * not name them (records from before this rule may still hold such entries; they are read and reported as before).
 * Bounded by {@link RatchetLimits#MAX_UNACKNOWLEDGED_TRACKED}: when full, every second entry is dropped, so a report
 * may end a little earlier than the exact answer but never names a message that was sent within the period.
 */
final class SendLog {
    record Entry(long sequence, long sentAtMillis) {}

    final List<Entry> entries;

    SendLog(List<Entry> entries) {
        this.entries = entries;
    }

    SendLog copy() {
        return new SendLog(new ArrayList<>(entries));
    }

    void sent(long sequence, Instant at) {
        if (entries.size() >= RatchetLimits.MAX_UNACKNOWLEDGED_TRACKED) {
            List<Entry> thinned = new ArrayList<>();
            for (int i = 0; i < entries.size(); i += 2) {
                thinned.add(entries.get(i));
            }
            entries.clear();
            entries.addAll(thinned);
        }
        entries.add(new Entry(sequence, at.toEpochMilli()));
    }

    /** The peer has received every message below {@code acknowledged} (up to its newest). */
    void acknowledge(long acknowledged) {
        entries.removeIf(e -> e.sequence() < acknowledged);
    }

    /**
     * Our content messages from the first at or above {@code firstUnacknowledged} up to the newest sent at least
     * {@code period} before {@code now}.
     */
    Optional<SequenceRange> overdue(long firstUnacknowledged, Duration period, Instant now) {
        long cutoff = now.toEpochMilli() - period.toMillis();
        long first = -1;
        long last = -1;
        for (Entry e : entries) {
            if (e.sequence() >= firstUnacknowledged && e.sentAtMillis() <= cutoff) {
                first = first < 0 ? e.sequence() : first;
                last = e.sequence();
            }
        }
        return last >= 0 ? Optional.of(SequenceRange.of(first, last)) : Optional.empty();
    }

    /** Our content messages at or above {@code firstUnacknowledged}, first to last, whenever sent; or empty. */
    Optional<SequenceRange> unacknowledged(long firstUnacknowledged) {
        return overdue(firstUnacknowledged, Duration.ZERO, Instant.ofEpochMilli(Long.MAX_VALUE));
    }
}
