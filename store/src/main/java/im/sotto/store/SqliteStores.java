package im.sotto.store;

import im.sotto.protocol.store.ArchiveCursor;
import im.sotto.protocol.store.IdentityStore;
import im.sotto.protocol.store.MessageLog;
import im.sotto.protocol.store.OutboundQueue;
import im.sotto.protocol.store.PreKeyStore;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.ReplayCache;
import im.sotto.protocol.store.RestoreCounter;
import im.sotto.protocol.store.RetainedSecretStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.SessionStore;
import im.sotto.protocol.store.Stores;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The SQLite stores as one transaction sees them. */
final class SqliteStores implements Stores {
    private static final byte[] SINGLE_ROW = RowCodec.u64(1);

    private final Transaction tx;
    private final AddressedRecords sessions;
    private final AddressedRecords retained;

    SqliteStores(Transaction tx) {
        this.tx = tx;
        this.sessions = new AddressedRecords(tx, "sessions", true);
        this.retained = new AddressedRecords(tx, "retained_secrets", false);
    }

    @Override
    public IdentityStore identities() {
        return new IdentityStore() {
            @Override
            public Optional<byte[]> localIdentity() {
                return loadSingleRow("local_identity");
            }

            @Override
            public void storeLocalIdentity(byte[] record) {
                storeSingleRow("local_identity", record);
            }

            @Override
            public Optional<byte[]> peerTrust(String peerAccount) {
                byte[] index = peerIndex(peerAccount);
                return tx.queryOne("SELECT record FROM peer_trust WHERE peer_index = ?", r -> r.getBytes(1), index)
                        .map(sealed -> tx.cipher.open("peer_trust", "record", index, sealed));
            }

            @Override
            public void storePeerTrust(String peerAccount, byte[] record) {
                byte[] index = peerIndex(peerAccount);
                byte[] sealed = tx.cipher.seal("peer_trust", "record", index, Records.checkedCopy(record));
                tx.update("INSERT INTO peer_trust (peer_index, record) VALUES (?, ?) "
                        + "ON CONFLICT (peer_index) DO UPDATE SET record = excluded.record", index, sealed);
            }

            private byte[] peerIndex(String peerAccount) {
                return tx.cipher.index("peer_trust", RowCodec.peer(peerAccount));
            }
        };
    }

    @Override
    public SessionStore sessions() {
        return new SessionStore() {
            @Override
            public Optional<byte[]> load(SessionAddress address) {
                return sessions.load(address);
            }

            @Override
            public void store(SessionAddress address, byte[] record) {
                sessions.store(address, record);
            }

            @Override
            public boolean delete(SessionAddress address) {
                return sessions.delete(address);
            }

            @Override
            public List<SessionAddress> devices(String peerAccount) {
                return sessions.devices(peerAccount);
            }

            @Override
            public List<SessionAddress> addresses() {
                return sessions.addresses();
            }
        };
    }

    @Override
    public PreKeyStore preKeys() {
        return new SqlPreKeys(tx);
    }

    @Override
    public ReplayCache replayCache() {
        return new ReplayCache() {
            @Override
            public boolean addIfAbsent(byte[] entry, Instant expiresAt) {
                Objects.requireNonNull(entry, "entry");
                if (entry.length == 0 || entry.length > MAX_ENTRY_LENGTH) {
                    throw new IllegalArgumentException("replay entry must be 1.." + MAX_ENTRY_LENGTH + " bytes");
                }
                long expiry = expiresAt.toEpochMilli();
                return tx.update("INSERT INTO replay_cache (entry_index, expires_at) VALUES (?, ?) "
                        + "ON CONFLICT (entry_index) DO NOTHING", tx.cipher.index("replay_cache", entry), expiry) == 1;
            }

            @Override
            public boolean contains(byte[] entry) {
                Objects.requireNonNull(entry, "entry");
                return tx.queryOne("SELECT 1 FROM replay_cache WHERE entry_index = ?", r -> r.getInt(1),
                        tx.cipher.index("replay_cache", entry)).isPresent();
            }

            @Override
            public int purgeExpired(Instant now) {
                return tx.update("DELETE FROM replay_cache WHERE expires_at < ?", now.toEpochMilli());
            }
        };
    }

    @Override
    public RetainedSecretStore retainedSecrets() {
        return new RetainedSecretStore() {
            @Override
            public Optional<byte[]> load(SessionAddress address) {
                return retained.load(address);
            }

            @Override
            public void store(SessionAddress address, byte[] record) {
                retained.store(address, record);
            }

            @Override
            public boolean delete(SessionAddress address) {
                return retained.delete(address);
            }

            @Override
            public List<SessionAddress> addresses() {
                return retained.addresses();
            }
        };
    }

    @Override
    public OutboundQueue outboundQueue() {
        return new SqlOutboundQueue(tx);
    }

    @Override
    public MessageLog messageLog() {
        return new SqlMessageLog(tx);
    }

    @Override
    public RestoreCounter restoreCounter() {
        return new RestoreCounter() {
            @Override
            public long value() {
                return tx.queryOne("SELECT value FROM restore_counter WHERE id = 1", r -> r.getLong(1)).orElseThrow(
                        () -> new im.sotto.protocol.store.StoreFailureException("restore counter row missing"));
            }

            @Override
            public void advanceTo(long value) {
                if (value < value()) {
                    throw new IllegalArgumentException("restore counter only grows");
                }
                tx.update("UPDATE restore_counter SET value = ? WHERE id = 1", value);
            }
        };
    }

    @Override
    public ArchiveCursor archiveCursor() {
        return new ArchiveCursor() {
            @Override
            public Optional<byte[]> load() {
                return loadSingleRow("archive_cursor");
            }

            @Override
            public void store(byte[] cursor) {
                storeSingleRow("archive_cursor", cursor);
            }
        };
    }

    @Override
    public im.sotto.protocol.store.ContactStore contacts() {
        return new SqlClientData(tx).contacts();
    }

    @Override
    public im.sotto.protocol.store.ConversationLog conversations() {
        return new SqlClientData(tx).conversations();
    }

    @Override
    public im.sotto.protocol.store.PeerDeviceStore peerDevices() {
        return new SqlClientData(tx).peerDevices();
    }

    @Override
    public im.sotto.protocol.omemo.OmemoStores omemo() {
        return new SqlOmemoStores(tx);
    }

    @Override
    public im.sotto.protocol.omemo.OmemoStores omemo2() {
        return new SqlOmemoStores(tx, SqlOmemoStores.OMEMO_2);
    }

    /** The sealed record of a one-row table ({@code id = 1}); {@code table} is one of the schema's names. */
    private Optional<byte[]> loadSingleRow(String table) {
        return tx.queryOne("SELECT record FROM " + table + " WHERE id = 1", r -> r.getBytes(1))
                .map(sealed -> tx.cipher.open(table, "record", SINGLE_ROW, sealed));
    }

    private void storeSingleRow(String table, byte[] record) {
        byte[] sealed = tx.cipher.seal(table, "record", SINGLE_ROW, Records.checkedCopy(record));
        tx.update("INSERT INTO " + table + " (id, record) VALUES (1, ?) "
                + "ON CONFLICT (id) DO UPDATE SET record = excluded.record", sealed);
    }
}
