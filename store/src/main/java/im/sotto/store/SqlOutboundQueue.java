package im.sotto.store;

import im.sotto.protocol.store.OutboundQueue;
import im.sotto.protocol.store.QueuedStanza;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.StoreFailureException;
import java.util.List;

/** Queued stanzas in table {@code outbound_queue}: peer as a blind index, peer and stanza encrypted. */
final class SqlOutboundQueue implements OutboundQueue {
    private final Transaction tx;

    SqlOutboundQueue(Transaction tx) {
        this.tx = tx;
    }

    @Override
    public long enqueue(String peerAccount, byte[] stanza) {
        byte[] plaintext = RowCodec.queued(peerAccount, Records.checkedCopy(stanza));
        long id = tx.nextId("outbound_queue", "id");
        byte[] sealed = tx.cipher.seal("outbound_queue", "record", RowCodec.u64(id), plaintext);
        tx.update("INSERT INTO outbound_queue (id, peer_index, record) VALUES (?, ?, ?)", id, peerIndex(peerAccount),
                sealed);
        return id;
    }

    @Override
    public List<QueuedStanza> pending(String peerAccount) {
        return tx.query("SELECT id, record FROM outbound_queue WHERE peer_index = ? ORDER BY id", r -> {
            long id = r.getLong(1);
            RowCodec.QueuedRow row = RowCodec.parseQueued(tx.cipher.open("outbound_queue", "record",
                    RowCodec.u64(id), r.getBytes(2)));
            if (!row.peer().equals(peerAccount)) {
                throw new StoreFailureException(StoreFailureException.Kind.DAMAGED,
                        "queued stanza filed under another peer");
            }
            return new QueuedStanza(id, row.peer(), row.stanza());
        }, peerIndex(peerAccount));
    }

    @Override
    public List<String> peers() {
        // Peers are stored only as blind indexes and inside the encrypted records: read the records, oldest first.
        List<String> all = tx.query("SELECT id, record FROM outbound_queue ORDER BY id", r -> {
            long id = r.getLong(1);
            return RowCodec.parseQueued(tx.cipher.open("outbound_queue", "record", RowCodec.u64(id),
                    r.getBytes(2))).peer();
        });
        return List.copyOf(new java.util.LinkedHashSet<>(all));
    }

    @Override
    public boolean replace(long id, byte[] stanza) {
        List<String> peer = tx.query("SELECT record FROM outbound_queue WHERE id = ?", r -> RowCodec.parseQueued(
                tx.cipher.open("outbound_queue", "record", RowCodec.u64(id), r.getBytes(1))).peer(), id);
        if (peer.isEmpty()) {
            return false;
        }
        byte[] sealed = tx.cipher.seal("outbound_queue", "record", RowCodec.u64(id),
                RowCodec.queued(peer.get(0), Records.checkedCopy(stanza)));
        return tx.update("UPDATE outbound_queue SET record = ? WHERE id = ?", sealed, id) > 0;
    }

    @Override
    public boolean remove(long id) {
        return tx.update("DELETE FROM outbound_queue WHERE id = ?", id) > 0;
    }

    private byte[] peerIndex(String peerAccount) {
        return tx.cipher.index("outbound_queue.peer", RowCodec.peer(peerAccount));
    }
}
