package im.sotto.protocol.store;

import java.util.List;

/**
 * The local log of stanzas sent and received. A received stanza is appended in the same transaction that stores the
 * session's new state, so it is logged exactly when its message key is gone.
 */
public interface MessageLog {
    /** Appends an entry; returns its sequence number, greater than every earlier one. */
    long append(LogEntry entry);

    /** Up to {@code limit} entries with a sequence number above {@code afterSequence}, ascending. */
    List<Logged> read(long afterSequence, int limit);

    /** An entry with the sequence number the log gave it. */
    record Logged(long sequence, LogEntry entry) {}
}
