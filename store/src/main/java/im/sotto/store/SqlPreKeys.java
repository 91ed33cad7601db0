package im.sotto.store;

import im.sotto.protocol.store.PreKeyKind;
import im.sotto.protocol.store.PreKeyStore;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.wire.ByteWriter;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Prekeys in table {@code prekeys}: kind and id in the clear (both are published), the record encrypted. */
final class SqlPreKeys implements PreKeyStore {
    private final Transaction tx;

    SqlPreKeys(Transaction tx) {
        this.tx = tx;
    }

    @Override
    public Optional<byte[]> load(PreKeyKind kind, long id) {
        return tx.queryOne("SELECT record FROM prekeys WHERE kind = ? AND prekey_id = ?", r -> r.getBytes(1),
                code(kind), id).map(sealed -> tx.cipher.open("prekeys", "record", rowKey(kind, id), sealed));
    }

    @Override
    public void store(PreKeyKind kind, long id, byte[] record, Instant deleteAfter) {
        byte[] sealed = tx.cipher.seal("prekeys", "record", rowKey(kind, id), Records.checkedCopy(record));
        tx.update("INSERT INTO prekeys (kind, prekey_id, delete_after, record) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (kind, prekey_id) DO UPDATE SET delete_after = excluded.delete_after, "
                + "record = excluded.record", code(kind), id, deleteAfter.toEpochMilli(), sealed);
    }

    @Override
    public boolean remove(PreKeyKind kind, long id) {
        return tx.update("DELETE FROM prekeys WHERE kind = ? AND prekey_id = ?", code(kind), id) > 0;
    }

    @Override
    public List<Long> ids(PreKeyKind kind) {
        return tx.query("SELECT prekey_id FROM prekeys WHERE kind = ? ORDER BY prekey_id", r -> r.getLong(1),
                code(kind));
    }

    @Override
    public int removeExpired(Instant now) {
        return tx.update("DELETE FROM prekeys WHERE delete_after < ?", now.toEpochMilli());
    }

    private static int code(PreKeyKind kind) {
        return switch (Objects.requireNonNull(kind, "kind")) {
            case SIGNED -> 1;
            case ONE_TIME -> 2;
        };
    }

    private static byte[] rowKey(PreKeyKind kind, long id) {
        return new ByteWriter().u8(code(kind)).u64(id).toByteArray();
    }
}
