package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;

import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;

class ArchivePositionTest {
    @Test
    void aStoredPositionReadsBackAsWritten() {
        ArchivePosition position = new ArchivePosition("jzjtJImNVXC9cRYULA6pVv5a",
                Instant.parse("2026-11-26T10:14:15.142Z"), 4711);
        InMemoryAccountStore store = new InMemoryAccountStore();
        store.transact(s -> {
            s.archiveCursor().store(position.encode());
            return null;
        });
        assertEquals(position, store.transact(ArchivePosition::load));
    }

    @Test
    void withoutAStoredPositionCatchUpStartsAtTheBeginningOfTheLog() {
        ArchivePosition none = new InMemoryAccountStore().transact(ArchivePosition::load);
        assertEquals(ArchivePosition.FROM_THE_START, none.archiveId());
        assertEquals(0, none.logSequence());
    }

    @Test
    void aDamagedRecordIsAnErrorNotAPosition() {
        byte[] record = new ArchivePosition("x", Instant.EPOCH, 1).encode();
        byte[] truncated = java.util.Arrays.copyOf(record, record.length - 1);
        byte[] otherVersion = record.clone();
        otherVersion[0] = 9;
        assertThrows(IllegalStateException.class, () -> ArchivePosition.decode(truncated));
        assertThrows(IllegalStateException.class, () -> ArchivePosition.decode(otherVersion));
    }
}
