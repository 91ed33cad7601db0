package im.sotto.store;

import im.sotto.protocol.omemo.OmemoDeviceStore;
import im.sotto.protocol.omemo.OmemoIdentityStore;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoPreKeyStore;
import im.sotto.protocol.omemo.OmemoSessionStore;
import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.wire.ByteWriter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The OMEMO stores in tables {@code omemo_device}, {@code omemo_prekeys}, {@code omemo_sessions} and
 * {@code omemo_identities} (schema v4), or OMEMO 2's {@code omemo2_*} twins (schema v7): records encrypted like every
 * other secret, addresses sealed and indexed blindly, within the caller's transaction.
 */
final class SqlOmemoStores implements OmemoStores {
    /** The table name prefix of OMEMO 0.3 and of OMEMO 2. */
    static final String OMEMO_0_3 = "omemo";
    static final String OMEMO_2 = "omemo2";
    private static final byte[] SINGLE_ROW = RowCodec.u64(1);

    private final Transaction tx;
    private final String deviceTable;
    private final String preKeyTable;
    private final AddressedRecords sessions;
    private final AddressedRecords identities;

    SqlOmemoStores(Transaction tx) {
        this(tx, OMEMO_0_3);
    }

    /** @param prefix {@link #OMEMO_0_3} or {@link #OMEMO_2} (never user input: it names tables) */
    SqlOmemoStores(Transaction tx, String prefix) {
        if (!prefix.equals(OMEMO_0_3) && !prefix.equals(OMEMO_2)) {
            throw new IllegalArgumentException("unknown OMEMO table prefix");
        }
        this.tx = tx;
        this.deviceTable = prefix + "_device";
        this.preKeyTable = prefix + "_prekeys";
        this.sessions = new AddressedRecords(tx, prefix + "_sessions", true);
        this.identities = new AddressedRecords(tx, prefix + "_identities", true);
    }

    @Override
    public OmemoDeviceStore device() {
        return new OmemoDeviceStore() {
            @Override
            public Optional<byte[]> localDevice() {
                return tx.queryOne("SELECT record FROM " + deviceTable + " WHERE id = 1", r -> r.getBytes(1))
                        .map(sealed -> tx.cipher.open(deviceTable, "record", SINGLE_ROW, sealed));
            }

            @Override
            public void storeLocalDevice(byte[] record) {
                byte[] sealed = tx.cipher.seal(deviceTable, "record", SINGLE_ROW, Records.checkedCopy(record));
                tx.update("INSERT INTO " + deviceTable + " (id, record) VALUES (1, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET record = excluded.record", sealed);
            }
        };
    }

    @Override
    public OmemoPreKeyStore preKeys() {
        return new OmemoPreKeyStore() {
            @Override
            public Optional<byte[]> load(OmemoPreKeyKind kind, int id) {
                return tx.queryOne("SELECT record FROM " + preKeyTable + " WHERE kind = ? AND prekey_id = ?",
                        r -> r.getBytes(1), code(kind), id)
                        .map(sealed -> tx.cipher.open(preKeyTable, "record", rowKey(kind, id), sealed));
            }

            @Override
            public void store(OmemoPreKeyKind kind, int id, byte[] record) {
                byte[] sealed = tx.cipher.seal(preKeyTable, "record", rowKey(kind, id), Records.checkedCopy(record));
                tx.update("INSERT INTO " + preKeyTable + " (kind, prekey_id, record) VALUES (?, ?, ?) "
                        + "ON CONFLICT (kind, prekey_id) DO UPDATE SET record = excluded.record", code(kind), id,
                        sealed);
            }

            @Override
            public boolean remove(OmemoPreKeyKind kind, int id) {
                return tx.update("DELETE FROM " + preKeyTable + " WHERE kind = ? AND prekey_id = ?", code(kind),
                        id) > 0;
            }

            @Override
            public List<Integer> ids(OmemoPreKeyKind kind) {
                return tx.query("SELECT prekey_id FROM " + preKeyTable + " WHERE kind = ? ORDER BY prekey_id",
                        r -> r.getInt(1), code(kind));
            }
        };
    }

    @Override
    public OmemoSessionStore sessions() {
        return new OmemoSessionStore() {
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
        };
    }

    @Override
    public OmemoIdentityStore identities() {
        return new OmemoIdentityStore() {
            @Override
            public Optional<byte[]> trustRecord(SessionAddress device) {
                return identities.load(device);
            }

            @Override
            public void storeTrustRecord(SessionAddress device, byte[] record) {
                identities.store(device, record);
            }

            @Override
            public List<SessionAddress> trustedDevices(String peerAccount) {
                return identities.devices(peerAccount);
            }

            @Override
            public List<SessionAddress> allTrustedDevices() {
                return identities.addresses();
            }
        };
    }

    private static int code(OmemoPreKeyKind kind) {
        return switch (Objects.requireNonNull(kind, "kind")) {
            case SIGNED -> 1;
            case ONE_TIME -> 2;
        };
    }

    private static byte[] rowKey(OmemoPreKeyKind kind, int id) {
        return new ByteWriter().u8(code(kind)).u64(id).toByteArray();
    }
}
