package im.sotto.protocol.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * This device's prekey private records by kind and id, each with the instant after which it must be deleted (the
 * end of its lifetime plus grace, decided by the core). One-time prekeys are removed when used.
 */
public interface PreKeyStore {
    Optional<byte[]> load(PreKeyKind kind, long id);

    void store(PreKeyKind kind, long id, byte[] record, Instant deleteAfter);

    /** Returns whether the prekey was there. */
    boolean remove(PreKeyKind kind, long id);

    /** Ids of one kind, ascending. */
    List<Long> ids(PreKeyKind kind);

    /** Removes every prekey whose delete-after instant is before {@code now}; returns how many. */
    int removeExpired(Instant now);
}
