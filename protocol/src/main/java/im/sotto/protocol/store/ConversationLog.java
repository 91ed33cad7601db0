package im.sotto.protocol.store;

import java.util.List;
import java.util.Optional;

/**
 * The conversation with each contact as the user saw it (what was shown and what was sent), for a chat to show
 * again when it opens: opaque records per contact account, each filed under its message id so that a later
 * delivery receipt or loss report can update it. Bounded per contact: the oldest records go first.
 */
public interface ConversationLog {
    /**
     * Records kept per contact. A chat shows the last few dozen; a thousand is weeks of a busy conversation, and with
     * a typed line's record of a few hundred bytes it keeps the store near a megabyte per contact.
     */
    int MAX_RECORDS_PER_PEER = 1000;

    /** Appends a record; the oldest record of {@code peerAccount} beyond {@link #MAX_RECORDS_PER_PEER} is dropped. */
    long append(String peerAccount, String messageId, byte[] record);

    /** Replaces the record filed under {@code messageId}; returns whether there was one. */
    boolean replace(String peerAccount, String messageId, byte[] record);

    /** The record filed under {@code messageId}, the newest if the peer reused the id. */
    Optional<byte[]> find(String peerAccount, String messageId);

    /** The last {@code limit} records of {@code peerAccount}, oldest first. */
    List<Entry> recent(String peerAccount, int limit);

    /** A record with its position in the log (ascending over the whole store). */
    record Entry(long sequence, byte[] record) {
        public Entry {
            record = record.clone();
        }

        @Override
        public byte[] record() {
            return record.clone();
        }
    }
}
