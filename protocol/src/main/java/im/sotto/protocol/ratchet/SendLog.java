package im.sotto.protocol.ratchet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Send times of our messages the peer has not acknowledged yet, as (sequence, millis) pairs in sending order.
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
     * Our messages from {@code firstUnacknowledged} up to the newest sent at least {@code period} before {@code now}.
     */
    Optional<SequenceRange> overdue(long firstUnacknowledged, Duration period, Instant now) {
        long cutoff = now.toEpochMilli() - period.toMillis();
        long last = -1;
        for (Entry e : entries) {
            if (e.sentAtMillis() <= cutoff) {
                last = e.sequence();
            }
        }
        return last >= firstUnacknowledged ? Optional.of(SequenceRange.of(firstUnacknowledged, last)) : Optional.empty();
    }
}
