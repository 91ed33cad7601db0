package im.sotto.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory store against the store contract, and what is particular to it: its log is shared, never copied. */
class InMemoryAccountStoreTest extends StoreContractTest {
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
    /** Long enough that one copy of the log (a TreeMap entry is about 40 bytes) dwarfs a transaction's own objects. */
    private static final int LONG_LOG = 5_000;
    /** Well above what a transaction allocates without copying the log, far below one copy of {@link #LONG_LOG}. */
    private static final long MAX_BYTES_PER_APPEND = 32 * 1024;

    @Override
    protected AccountStore newStore() {
        return new InMemoryAccountStore();
    }

    @Override
    protected AccountStore reopen(AccountStore old) {
        return old;
    }

    @Test
    void appendingToALongLogDoesNotCopyIt() {
        LogEntry entry = new LogEntry(LogEntry.Direction.SENT, BOB_1, "m", T, bytes("payload"));
        store.transact(s -> {
            for (int i = 0; i < LONG_LOG; i++) {
                s.messageLog().append(entry);
            }
            return null;
        });
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int appends = 200;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < appends; i++) {
            store.transact(s -> s.messageLog().append(entry));
        }
        long perAppend = (threads.getCurrentThreadAllocatedBytes() - before) / appends;
        assertTrue(perAppend < MAX_BYTES_PER_APPEND, perAppend + " bytes allocated per append to a log of "
                + LONG_LOG + " entries: the log is being copied");
        store.transact(s -> {
            assertEquals(LONG_LOG + appends, s.messageLog().read(0, 2 * LONG_LOG).size());
            return null;
        });
    }

    /** A failed append's sequence number is given again; the entry read there is the committed one. */
    @Test
    void anAppendAfterAFailedOneReadsBackAsItself() {
        LogEntry first = new LogEntry(LogEntry.Direction.SENT, BOB_1, "m1", T, bytes("first"));
        LogEntry lost = new LogEntry(LogEntry.Direction.SENT, BOB_1, "m2", T, bytes("lost"));
        LogEntry kept = new LogEntry(LogEntry.Direction.RECEIVED, BOB_2, "m3", T, bytes("kept"));
        long one = store.transact(s -> s.messageLog().append(first));
        assertThrows(IOException.class, () -> store.transact(s -> {
            s.messageLog().append(lost);
            s.messageLog().append(lost);
            throw new IOException("crash before the commit");
        }));
        long two = store.transact(s -> s.messageLog().append(kept));
        store.transact(s -> {
            assertEquals(List.of(new MessageLog.Logged(one, first), new MessageLog.Logged(two, kept)),
                    s.messageLog().read(0, 10));
            assertEquals(List.of(), s.messageLog().read(two, 10));
            return null;
        });
    }

    /** Inside a transaction the log shows its own appends; the state it was taken from does not, until commit. */
    @Test
    void aTransactionReadsItsOwnAppends() {
        LogEntry entry = new LogEntry(LogEntry.Direction.SENT, BOB_1, "m1", T, bytes("mine"));
        store.transact(s -> {
            long seq = s.messageLog().append(entry);
            assertEquals(List.of(new MessageLog.Logged(seq, entry)), s.messageLog().read(0, 10));
            return null;
        });
    }
}
