package im.sotto.protocol.store;

import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoDeviceStore;
import im.sotto.protocol.omemo.OmemoIdentityStore;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoPreKeyStore;
import im.sotto.protocol.omemo.OmemoSessionStore;
import im.sotto.protocol.omemo.OmemoStores;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One transaction's view of the OMEMO part of a {@link MemoryState}: reads go to the state's current OMEMO store,
 * writes to its own copy ({@link MemoryState#omemoForWrite()}), so a rolled-back transaction leaves nothing behind.
 */
final class MemoryOmemoStores implements OmemoStores {
    private final Supplier<InMemoryOmemoStore> read;
    private final Supplier<InMemoryOmemoStore> write;

    MemoryOmemoStores(Supplier<MemoryState> state) {
        this(() -> state.get().omemo(), () -> state.get().omemoForWrite());
    }

    /** The same view over another OMEMO store of the state (OMEMO 2's). */
    MemoryOmemoStores(Supplier<InMemoryOmemoStore> read, Supplier<InMemoryOmemoStore> write) {
        this.read = read;
        this.write = write;
    }

    private InMemoryOmemoStore read() {
        return read.get();
    }

    private InMemoryOmemoStore write() {
        return write.get();
    }

    @Override
    public OmemoDeviceStore device() {
        return new OmemoDeviceStore() {
            @Override
            public Optional<byte[]> localDevice() {
                return read().localDevice();
            }

            @Override
            public void storeLocalDevice(byte[] record) {
                write().storeLocalDevice(record);
            }
        };
    }

    @Override
    public OmemoPreKeyStore preKeys() {
        return new OmemoPreKeyStore() {
            @Override
            public Optional<byte[]> load(OmemoPreKeyKind kind, int id) {
                return read().load(kind, id);
            }

            @Override
            public void store(OmemoPreKeyKind kind, int id, byte[] record) {
                write().store(kind, id, record);
            }

            @Override
            public boolean remove(OmemoPreKeyKind kind, int id) {
                return read().load(kind, id).isPresent() && write().remove(kind, id);
            }

            @Override
            public List<Integer> ids(OmemoPreKeyKind kind) {
                return read().ids(kind);
            }
        };
    }

    @Override
    public OmemoSessionStore sessions() {
        return new OmemoSessionStore() {
            @Override
            public Optional<byte[]> load(SessionAddress address) {
                return read().load(address);
            }

            @Override
            public void store(SessionAddress address, byte[] record) {
                write().store(address, record);
            }

            @Override
            public boolean delete(SessionAddress address) {
                return read().load(address).isPresent() && write().delete(address);
            }

            @Override
            public List<SessionAddress> devices(String peerAccount) {
                return read().devices(peerAccount);
            }
        };
    }

    @Override
    public OmemoIdentityStore identities() {
        return new OmemoIdentityStore() {
            @Override
            public Optional<byte[]> trustRecord(SessionAddress device) {
                return read().trustRecord(device);
            }

            @Override
            public void storeTrustRecord(SessionAddress device, byte[] record) {
                write().storeTrustRecord(device, record);
            }

            @Override
            public List<SessionAddress> trustedDevices(String peerAccount) {
                return read().trustedDevices(peerAccount);
            }

            @Override
            public List<SessionAddress> allTrustedDevices() {
                return read().allTrustedDevices();
            }
        };
    }
}
