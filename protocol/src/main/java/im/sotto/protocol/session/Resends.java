package im.sotto.protocol.session;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.ratchet.RatchetLimits;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.ratchet.SequenceRange;

/**
 * What a session must be able to send again when a newer one replaces it (docs/protocol.md 7.3, "Sent again under the
 * new session"; issue #23): a session the peer never had (its opening lost, or the peer died before storing it) or
 * one the peer replaced leaves our messages under it unreadable, and the peer's acknowledgements are the only proof
 * of what it read.
 *
 * <p>{@code sent}: our content messages under this session, each with its ratchet sequence, the message-log entry
 * that holds its content (the sealed envelope, encrypted at rest with the log) and the binding's carrier (which
 * stanza type it travelled as); entries the peer acknowledged are dropped on the next send. {@code owed}: the log
 * entries of a replaced session's unacknowledged messages, oldest first, that go out again under this session as
 * soon as it carries content, each in its own stanza with its original id. The content itself stays in the message
 * log; this record only points at it, so it costs 17 bytes per message instead of a copy.
 *
 * @param sent unacknowledged content of this session, in sending order
 * @param owed log entries of replaced sessions still to send again, in their original order
 */
public record Resends(List<Sent> sent, List<Owed> owed) {
    /**
     * Unacknowledged messages remembered per session: the ratchet's own send log keeps as many
     * ({@link RatchetLimits#MAX_UNACKNOWLEDGED_TRACKED}), and a peer that reads without replying still acknowledges
     * with a heartbeat every {@link RatchetLimits#HEARTBEAT_INTERVAL} messages, so only a peer that died mid-stream
     * leaves more; the oldest beyond this are not sent again but reported {@code NotAcknowledged}, as before. 1024
     * entries are 17 KiB of the session record.
     */
    public static final int MAX_SENT = RatchetLimits.MAX_UNACKNOWLEDGED_TRACKED;

    /**
     * Messages owed again per device: one replaced session's worth ({@link #MAX_SENT}); replacements in a row
     * (crossing heals) keep the newest of them.
     */
    public static final int MAX_OWED = MAX_SENT;

    public static final Resends NONE = new Resends(List.of(), List.of());

    /** One content message of ours under this session; {@code carrier} is the binding's stanza type (0..255). */
    public record Sent(long sequence, long logSequence, int carrier) {
        public Sent {
            checkCarrier(carrier);
        }
    }

    /** A replaced session's message to send again: its log entry and carrier. */
    public record Owed(long logSequence, int carrier) {
        public Owed {
            checkCarrier(carrier);
        }
    }

    public Resends {
        sent = List.copyOf(sent);
        owed = List.copyOf(owed);
        if (sent.size() > MAX_SENT || owed.size() > MAX_OWED) {
            throw new IllegalArgumentException("more resend entries than the bounds allow");
        }
    }

    /**
     * These after content message {@code sequence} (log entry {@code logSequence}) was sent, the peer having
     * acknowledged everything below {@code acknowledged}: acknowledged entries go, and beyond {@link #MAX_SENT} the
     * oldest.
     */
    public Resends afterSending(long sequence, long logSequence, int carrier, long acknowledged) {
        List<Sent> kept = new ArrayList<>();
        for (Sent s : sent) {
            if (s.sequence() >= acknowledged) {
                kept.add(s);
            }
        }
        kept.add(new Sent(sequence, logSequence, carrier));
        while (kept.size() > MAX_SENT) {
            kept.remove(0);
        }
        return new Resends(kept, owed);
    }

    /** These with the first owed entry sent again (it goes in the transaction that re-encrypts it). */
    public Resends owedSent(long logSequence) {
        List<Owed> rest = new ArrayList<>(owed);
        rest.removeIf(o -> o.logSequence() == logSequence);
        return new Resends(sent, rest);
    }

    /**
     * What replacing {@code old} (its ratchet {@code oldSession}) leaves this new session to send again: what old
     * itself still owed, then its content the peer never acknowledged, in order, each log entry once, the newest
     * {@link #MAX_OWED}.
     */
    public static Resends owedAfterReplacing(SessionRecord old, RatchetSession oldSession) {
        Set<Owed> all = new LinkedHashSet<>(old.resends().owed());
        long acknowledged = oldSession.acknowledgedByPeer();
        for (Sent s : old.resends().sent()) {
            if (s.sequence() >= acknowledged) {
                all.add(new Owed(s.logSequence(), s.carrier()));
            }
        }
        List<Owed> list = new ArrayList<>(all);
        return new Resends(List.of(), list.subList(Math.max(0, list.size() - MAX_OWED), list.size()));
    }

    /**
     * As above for the record {@code stored} as the store held it (none, or unreadable: nothing owed).
     */
    public static Resends owedAfterReplacing(Optional<byte[]> stored, SecureRandom random, Clock clock) {
        if (stored.isEmpty()) {
            return NONE;
        }
        try {
            SessionRecord old = SessionRecord.decode(stored.get());
            return owedAfterReplacing(old, old.ratchetSession(random, clock));
        } catch (RuntimeException e) {
            return NONE;   // an unreadable old record has nothing to send again; the new one replaces it
        }
    }

    /**
     * The part of {@code old}'s unacknowledged content (sequences from the ratchet's send log) that is NOT sent
     * again: older than the first remembered entry. Only that is reported {@code NotAcknowledged} at a replacement.
     */
    public static Optional<SequenceRange> notSentAgain(SessionRecord old, RatchetSession oldSession) {
        Optional<SequenceRange> unacknowledged = oldSession.unacknowledgedContent();
        if (unacknowledged.isEmpty()) {
            return unacknowledged;
        }
        long acknowledged = oldSession.acknowledgedByPeer();
        long firstKept = old.resends().sent().stream().filter(s -> s.sequence() >= acknowledged)
                .mapToLong(Sent::sequence).min().orElse(Long.MAX_VALUE);
        SequenceRange range = unacknowledged.get();
        if (firstKept <= range.first()) {
            return Optional.empty();
        }
        return Optional.of(SequenceRange.of(range.first(), Math.min(range.last(), firstKept - 1)));
    }

    boolean isEmpty() {
        return sent.isEmpty() && owed.isEmpty();
    }

    /** Layout: u16 count, per sent entry u64 sequence, u64 log sequence, u8 carrier; u16 count, per owed u64, u8. */
    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        out.putShort((short) sent.size());
        for (Sent s : sent) {
            out.putLong(s.sequence()).putLong(s.logSequence()).put((byte) s.carrier());
        }
        out.putShort((short) owed.size());
        for (Owed o : owed) {
            out.putLong(o.logSequence()).put((byte) o.carrier());
        }
        return out.array();
    }

    int encodedLength() {
        return 2 + sent.size() * 17 + 2 + owed.size() * 9;
    }

    static Resends decode(byte[] field) throws RecordCodec.MalformedRecordException {
        try {
            ByteBuffer in = ByteBuffer.wrap(field);
            int sentCount = Short.toUnsignedInt(in.getShort());
            if (sentCount > MAX_SENT) {
                throw new RecordCodec.MalformedRecordException("too many sent entries");
            }
            List<Sent> sent = new ArrayList<>();
            for (int i = 0; i < sentCount; i++) {
                sent.add(new Sent(in.getLong(), in.getLong(), Byte.toUnsignedInt(in.get())));
            }
            int owedCount = Short.toUnsignedInt(in.getShort());
            if (owedCount > MAX_OWED) {
                throw new RecordCodec.MalformedRecordException("too many owed entries");
            }
            List<Owed> owed = new ArrayList<>();
            for (int i = 0; i < owedCount; i++) {
                owed.add(new Owed(in.getLong(), Byte.toUnsignedInt(in.get())));
            }
            if (in.hasRemaining()) {
                throw new RecordCodec.MalformedRecordException("bytes after the resend entries");
            }
            return new Resends(sent, owed);
        } catch (BufferUnderflowException e) {
            throw new RecordCodec.MalformedRecordException("resend entries cut short");
        }
    }

    private static void checkCarrier(int carrier) {
        if (carrier < 0 || carrier > 255) {
            throw new IllegalArgumentException("carrier must be 0..255");
        }
    }
}
