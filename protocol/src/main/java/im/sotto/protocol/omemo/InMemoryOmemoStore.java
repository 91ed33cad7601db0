package im.sotto.protocol.omemo;

import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.SessionAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The three OMEMO store roles in memory, for tests and callers that want no persistence. Not thread-safe. */
public final class InMemoryOmemoStore implements OmemoDeviceStore, OmemoPreKeyStore, OmemoSessionStore {
    private byte[] localDevice;
    private final Map<OmemoPreKeyKind, TreeMap<Integer, byte[]>> preKeys = new EnumMap<>(OmemoPreKeyKind.class);
    private final TreeMap<SessionAddress, byte[]> sessions = new TreeMap<>();

    public InMemoryOmemoStore() {
        for (OmemoPreKeyKind kind : OmemoPreKeyKind.values()) {
            preKeys.put(kind, new TreeMap<>());
        }
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
        SessionAddress.checkPeer(peerAccount);
        List<SessionAddress> out = new ArrayList<>();
        for (SessionAddress a : sessions.keySet()) {
            if (a.peer().equals(peerAccount)) {
                out.add(a);
            }
        }
        return out;
    }
}
