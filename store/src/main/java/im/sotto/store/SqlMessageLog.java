package im.sotto.store;

import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.MessageLog;
import java.util.List;
import java.util.Objects;

/** The message log in table {@code message_log}: only the sequence number is in the clear. */
final class SqlMessageLog implements MessageLog {
    private final Transaction tx;

    SqlMessageLog(Transaction tx) {
        this.tx = tx;
    }

    @Override
    public long append(LogEntry entry) {
        byte[] plaintext = RowCodec.logEntry(Objects.requireNonNull(entry, "entry"));
        long sequence = tx.nextId("message_log", "sequence");
        tx.update("INSERT INTO message_log (sequence, record) VALUES (?, ?)", sequence,
                tx.cipher.seal("message_log", "record", RowCodec.u64(sequence), plaintext));
        return sequence;
    }

    @Override
    public List<Logged> read(long afterSequence, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        return tx.query("SELECT sequence, record FROM message_log WHERE sequence > ? ORDER BY sequence LIMIT ?", r -> {
            long sequence = r.getLong(1);
            return new Logged(sequence, RowCodec.parseLogEntry(tx.cipher.open("message_log", "record",
                    RowCodec.u64(sequence), r.getBytes(2))));
        }, afterSequence, limit);
    }
}
