package im.sotto.store;

import im.sotto.protocol.store.ContactStore;
import im.sotto.protocol.store.ConversationLog;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.StoreFailureException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The contacts and the conversation log (tables {@code contacts}, {@code conversation_log}): addresses, message ids
 * and records sealed, each row found through a blind index. A row's seal names its index (and its sequence), so a
 * record moved to another contact's row does not open.
 */
final class SqlClientData {
    private final Transaction tx;

    SqlClientData(Transaction tx) {
        this.tx = tx;
    }

    ContactStore contacts() {
        return new ContactStore() {
            @Override
            public Optional<byte[]> load(String peerAccount) {
                byte[] index = contactIndex(peerAccount);
                return tx.queryOne("SELECT record FROM contacts WHERE peer_index = ?", r -> r.getBytes(1), index)
                        .map(sealed -> tx.cipher.open("contacts", "record", index, sealed));
            }

            @Override
            public void store(String peerAccount, byte[] record) {
                byte[] index = contactIndex(peerAccount);
                byte[] copy = Records.checkedCopy(record);
                tx.update("INSERT INTO contacts (peer_index, peer, record) VALUES (?, ?, ?) "
                        + "ON CONFLICT (peer_index) DO UPDATE SET record = excluded.record", index,
                        tx.cipher.seal("contacts", "peer", index, RowCodec.peer(peerAccount)),
                        tx.cipher.seal("contacts", "record", index, copy));
                Arrays.fill(copy, (byte) 0);
            }

            @Override
            public boolean delete(String peerAccount) {
                return tx.update("DELETE FROM contacts WHERE peer_index = ?", contactIndex(peerAccount)) > 0;
            }

            @Override
            public List<String> peers() {
                List<String> peers = tx.query("SELECT peer_index, peer FROM contacts", r -> {
                    byte[] index = r.getBytes(1);
                    String peer = new String(tx.cipher.open("contacts", "peer", index, r.getBytes(2)),
                            StandardCharsets.UTF_8);
                    if (!Arrays.equals(index, contactIndex(peer))) {
                        throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "a contacts row is filed "
                                + "under another address");
                    }
                    return peer;
                });
                peers.sort(null);
                return peers;
            }
        };
    }

    /** Table {@code peer_devices} (schema v6): one sealed record per account, found through a blind index. */
    im.sotto.protocol.store.PeerDeviceStore peerDevices() {
        return new im.sotto.protocol.store.PeerDeviceStore() {
            @Override
            public Optional<byte[]> load(String account) {
                byte[] index = tx.cipher.index("peer_devices", RowCodec.peer(account));
                return tx.queryOne("SELECT record FROM peer_devices WHERE peer_index = ?", r -> r.getBytes(1), index)
                        .map(sealed -> tx.cipher.open("peer_devices", "record", index, sealed));
            }

            @Override
            public void store(String account, byte[] record) {
                byte[] index = tx.cipher.index("peer_devices", RowCodec.peer(account));
                byte[] copy = Records.checkedCopy(record);
                tx.update("INSERT INTO peer_devices (peer_index, record) VALUES (?, ?) "
                        + "ON CONFLICT (peer_index) DO UPDATE SET record = excluded.record", index,
                        tx.cipher.seal("peer_devices", "record", index, copy));
                Arrays.fill(copy, (byte) 0);
            }
        };
    }

    ConversationLog conversations() {
        return new ConversationLog() {
            @Override
            public long append(String peerAccount, String messageId, byte[] record) {
                byte[] peerIndex = conversationIndex(peerAccount);
                byte[] messageIndex = messageIndex(peerAccount, messageId);
                byte[] copy = Records.checkedCopy(record);
                long sequence = tx.nextId("conversation_log", "sequence");
                tx.update("INSERT INTO conversation_log (sequence, peer_index, message_index, record) "
                        + "VALUES (?, ?, ?, ?)", sequence, peerIndex, messageIndex,
                        tx.cipher.seal("conversation_log", "record", rowKey(peerIndex, sequence), copy));
                Arrays.fill(copy, (byte) 0);
                tx.update("DELETE FROM conversation_log WHERE peer_index = ? AND sequence NOT IN (SELECT sequence "
                        + "FROM conversation_log WHERE peer_index = ? ORDER BY sequence DESC LIMIT ?)", peerIndex,
                        peerIndex, MAX_RECORDS_PER_PEER);
                return sequence;
            }

            @Override
            public boolean replace(String peerAccount, String messageId, byte[] record) {
                byte[] peerIndex = conversationIndex(peerAccount);
                Optional<Long> sequence = newest(peerIndex, messageIndex(peerAccount, messageId));
                if (sequence.isEmpty()) {
                    return false;
                }
                byte[] copy = Records.checkedCopy(record);
                tx.update("UPDATE conversation_log SET record = ? WHERE sequence = ?", tx.cipher.seal(
                        "conversation_log", "record", rowKey(peerIndex, sequence.get()), copy), sequence.get());
                Arrays.fill(copy, (byte) 0);
                return true;
            }

            @Override
            public Optional<byte[]> find(String peerAccount, String messageId) {
                byte[] peerIndex = conversationIndex(peerAccount);
                return tx.queryOne("SELECT sequence, record FROM conversation_log WHERE message_index = ? "
                        + "AND peer_index = ? ORDER BY sequence DESC LIMIT 1", r -> open(peerIndex, r.getLong(1),
                        r.getBytes(2)), messageIndex(peerAccount, messageId), peerIndex);
            }

            @Override
            public List<Entry> recent(String peerAccount, int limit) {
                if (limit < 0) {
                    throw new IllegalArgumentException("limit must not be negative");
                }
                byte[] peerIndex = conversationIndex(peerAccount);
                List<Entry> newestFirst = tx.query("SELECT sequence, record FROM conversation_log "
                        + "WHERE peer_index = ? ORDER BY sequence DESC LIMIT ?", r -> new Entry(r.getLong(1),
                        open(peerIndex, r.getLong(1), r.getBytes(2))), peerIndex, limit);
                java.util.Collections.reverse(newestFirst);
                return newestFirst;
            }

            private Optional<Long> newest(byte[] peerIndex, byte[] messageIndex) {
                return tx.queryOne("SELECT sequence FROM conversation_log WHERE message_index = ? AND peer_index = ? "
                        + "ORDER BY sequence DESC LIMIT 1", r -> r.getLong(1), messageIndex, peerIndex);
            }
        };
    }

    private byte[] open(byte[] peerIndex, long sequence, byte[] sealed) {
        return tx.cipher.open("conversation_log", "record", rowKey(peerIndex, sequence), sealed);
    }

    private static byte[] rowKey(byte[] peerIndex, long sequence) {
        byte[] key = Arrays.copyOf(peerIndex, peerIndex.length + 8);
        System.arraycopy(RowCodec.u64(sequence), 0, key, peerIndex.length, 8);
        return key;
    }

    private byte[] contactIndex(String peer) {
        return tx.cipher.index("contacts", RowCodec.peer(peer));
    }

    private byte[] conversationIndex(String peer) {
        return tx.cipher.index("conversation_log.peer", RowCodec.peer(peer));
    }

    /** The peer is part of the key: two contacts may use the same message id. */
    private byte[] messageIndex(String peer, String messageId) {
        Objects.requireNonNull(messageId, "messageId");
        byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > LogEntry.MAX_STANZA_ID_BYTES) {
            throw new IllegalArgumentException("message id must be 1.." + LogEntry.MAX_STANZA_ID_BYTES
                    + " bytes of UTF-8");
        }
        byte[] peerBytes = RowCodec.peer(peer);
        byte[] key = new byte[2 + peerBytes.length + id.length];
        key[0] = (byte) (peerBytes.length >>> 8);
        key[1] = (byte) peerBytes.length;
        System.arraycopy(peerBytes, 0, key, 2, peerBytes.length);
        System.arraycopy(id, 0, key, 2 + peerBytes.length, id.length);
        return tx.cipher.index("conversation_log.message", key);
    }
}
