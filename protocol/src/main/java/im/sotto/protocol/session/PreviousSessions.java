package im.sotto.protocol.session;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import im.sotto.protocol.ratchet.RatchetLimits;

/**
 * The sessions with one peer device that newer ones replaced, newest first, kept for RECEIVING ONLY (libsignal's
 * previous session states): a handshake, a heal or an offline first message replaces a session while the peer's
 * messages under the old one are still on the way (offline storage, two handshakes crossing, a client killed in the
 * middle of one). Those still decrypt under the state kept here; nothing is ever encrypted with it.
 *
 * @param entries each replaced session (its own previous list empty) and when it was replaced
 */
public record PreviousSessions(List<Entry> entries) {
    /**
     * Replaced sessions kept per device. What is in flight under a replaced session arrives within one round of
     * offline storage; one replacement (renewal, heal or first message) plus two handshakes crossing in a race is
     * three; a fourth replacement before the first one's stragglers arrive is a session churning, not a delay.
     * Every kept state costs an incoming message that no session opens up to seven more header-key trials.
     */
    static final int MAX_PREVIOUS_SESSIONS = 3;

    /**
     * Bytes the kept states may take in the device's record. A state without held keys is 1 to 3 KiB; one holding
     * many skipped keys (a gap) can reach about 200 KiB (RatchetLimits). 256 KiB keeps one such state or several
     * ordinary ones, and leaves the current session, whose record the store caps at 1 MiB with everything else, most
     * of the room; the record never exceeds that cap either way ({@link SessionRecord}).
     */
    static final int MAX_PREVIOUS_BYTES = 256 * 1024;

    /**
     * How long a replaced session is kept: as long as the ratchet keeps a held message key, for the same reason
     * (offline storage and catch-up after a long absence) and the same risk (a stolen device reads what arrives late).
     */
    static final Duration LIFETIME = RatchetLimits.SKIPPED_KEY_LIFETIME;

    public static final PreviousSessions NONE = new PreviousSessions(List.of());

    /** One replaced session; {@code session} never holds previous sessions of its own. */
    public record Entry(SessionRecord session, Instant replacedAt) {
        /** Bytes this entry takes in an encoded record: two field lengths, the time, the nested record. */
        int encodedLength() {
            return 4 + Long.BYTES + 4 + session.encodedLength();
        }

        public boolean expiredAt(Instant now) {
            return !now.isBefore(replacedAt.plus(LIFETIME));
        }

        byte[] encodedTime() {
            return ByteBuffer.allocate(Long.BYTES).putLong(replacedAt.toEpochMilli()).array();
        }
    }

    public PreviousSessions {
        entries = List.copyOf(entries);
        if (entries.size() > MAX_PREVIOUS_SESSIONS) {
            throw new IllegalArgumentException("more than " + MAX_PREVIOUS_SESSIONS + " previous sessions");
        }
        for (Entry e : entries) {
            if (!e.session().previous().entries().isEmpty()) {
                throw new IllegalArgumentException("a previous session holds previous sessions");
            }
        }
    }

    /** These, after {@code replaced} (which becomes the newest) was replaced at {@code now}, within the bounds. */
    static PreviousSessions afterReplacing(SessionRecord replaced, Instant now) {
        List<Entry> all = new ArrayList<>();
        // Kept for receiving only: what it owed to send goes to the new session (Resends), not into the copy.
        all.add(new Entry(replaced.withPrevious(NONE).withResends(Resends.NONE), now));
        all.addAll(replaced.previous().entries());
        return new PreviousSessions(unexpired(all, now).stream().limit(MAX_PREVIOUS_SESSIONS).toList());
    }

    /** These with entry {@code index} advanced to {@code updated} (a message decrypted under it) in place. */
    public PreviousSessions with(int index, SessionRecord updated) {
        List<Entry> all = new ArrayList<>(entries);
        all.set(index, new Entry(updated, entries.get(index).replacedAt()));
        return new PreviousSessions(all);
    }

    /** These without the ones replaced longer than {@link #LIFETIME} ago. */
    public PreviousSessions unexpiredAt(Instant now) {
        List<Entry> kept = unexpired(entries, now);
        return kept.size() == entries.size() ? this : new PreviousSessions(kept);
    }

    /** The newest entries whose encoded length fits {@code budget} (and {@link #MAX_PREVIOUS_BYTES}) together. */
    PreviousSessions fitting(int budget) {
        int left = Math.min(budget, MAX_PREVIOUS_BYTES);
        List<Entry> kept = new ArrayList<>();
        for (Entry e : entries) {
            left -= e.encodedLength();
            if (left < 0) {
                break;
            }
            kept.add(e);
        }
        return kept.size() == entries.size() ? this : new PreviousSessions(kept);
    }

    private static List<Entry> unexpired(List<Entry> entries, Instant now) {
        return entries.stream().filter(e -> !e.expiredAt(now)).toList();
    }
}
