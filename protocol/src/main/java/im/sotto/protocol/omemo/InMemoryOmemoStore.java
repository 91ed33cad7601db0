package im.sotto.protocol.omemo;

import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.SessionAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OMEMO store roles in memory, for tests and callers that want no persistence. Not thread-safe; {@link #copy()}
 * gives an independent snapshot (records are immutable once stored, so only the maps are copied).
 */
public final class InMemoryOmemoStore implements OmemoDeviceStore, OmemoPreKeyStore, OmemoSessionStore,
        OmemoIdentityStore, OmemoStores {
    private byte[] localDevice;
    private final Map<OmemoPreKeyKind, TreeMap<Integer, byte[]>> preKeys = new EnumMap<>(OmemoPreKeyKind.class);
    private final TreeMap<SessionAddress, byte[]> sessions = new TreeMap<>();
    private final TreeMap<SessionAddress, byte[]> trust = new TreeMap<>();

    public InMemoryOmemoStore() {
        for (OmemoPreKeyKind kind : OmemoPreKeyKind.values()) {
            preKeys.put(kind, new TreeMap<>());
        }
    }

    /** An independent snapshot of everything held. */
    public InMemoryOmemoStore copy() {
        InMemoryOmemoStore copy = new InMemoryOmemoStore();
        copy.localDevice = localDevice;
        for (OmemoPreKeyKind kind : OmemoPreKeyKind.values()) {
            copy.preKeys.get(kind).putAll(preKeys.get(kind));
        }
        copy.sessions.putAll(sessions);
        copy.trust.putAll(trust);
        return copy;
    }

    @Override
    public OmemoDeviceStore device() {
        return this;
    }

    @Override
    public OmemoPreKeyStore preKeys() {
        return this;
    }

    @Override
    public OmemoSessionStore sessions() {
        return this;
    }

    @Override
    public OmemoIdentityStore identities() {
        return this;
    }

    @Override
    public Optional<byte[]> trustRecord(SessionAddress device) {
        return Optional.ofNullable(trust.get(device)).map(byte[]::clone);
    }

    @Override
    public void storeTrustRecord(SessionAddress device, byte[] record) {
        trust.put(device, Records.checkedCopy(record));
    }

    @Override
    public List<SessionAddress> trustedDevices(String peerAccount) {
        return ofPeer(trust, peerAccount);
    }

    @Override
    public List<SessionAddress> allTrustedDevices() {
        return new ArrayList<>(trust.keySet());
    }

    @Override
    public Optional<byte[]> localDevice() {
        return Optional.ofNullable(localDevice).map(byte[]::clone);
    }

    @Override
    public void storeLocalDevice(byte[] record) {
        localDevice = Records.checkedCopy(record);
    }

    @Override
    public Optional<byte[]> load(OmemoPreKeyKind kind, int id) {
        return Optional.ofNullable(preKeys.get(kind).get(id)).map(byte[]::clone);
    }

    @Override
    public void store(OmemoPreKeyKind kind, int id, byte[] record) {
        preKeys.get(kind).put(id, Records.checkedCopy(record));
    }

    @Override
    public boolean remove(OmemoPreKeyKind kind, int id) {
        return preKeys.get(kind).remove(id) != null;
    }

    @Override
    public List<Integer> ids(OmemoPreKeyKind kind) {
        return new ArrayList<>(preKeys.get(kind).keySet());
    }

    @Override
    public Optional<byte[]> load(SessionAddress address) {
        return Optional.ofNullable(sessions.get(address)).map(byte[]::clone);
    }

    @Override
    public void store(SessionAddress address, byte[] record) {
        sessions.put(address, Records.checkedCopy(record));
    }

    @Override
    public boolean delete(SessionAddress address) {
        return sessions.remove(address) != null;
    }

    @Override
    public List<SessionAddress> devices(String peerAccount) {
        return ofPeer(sessions, peerAccount);
    }

    private static List<SessionAddress> ofPeer(TreeMap<SessionAddress, byte[]> map, String peerAccount) {
        SessionAddress.checkPeer(peerAccount);
        List<SessionAddress> out = new ArrayList<>();
        for (SessionAddress a : map.keySet()) {
            if (a.peer().equals(peerAccount)) {
                out.add(a);
            }
        }
        return out;
    }
}
