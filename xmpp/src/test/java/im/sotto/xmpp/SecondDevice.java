package im.sotto.xmpp;

import java.util.Set;

import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.offline.PreKeyPolicy;
import im.sotto.protocol.offline.PreKeyVault;
import im.sotto.protocol.store.InMemoryAccountStore;

/**
 * For tests of device approval: another device of the same account (the account key certifies a new device key),
 * on a fresh in-memory store, as a user's second client would be.
 */
public final class SecondDevice {
    private SecondDevice() {
    }

    public static SottoAccount of(SottoAccount first) {
        InMemoryAccountStore store = new InMemoryAccountStore();
        store.transact(s -> {
            DeviceIdentity device;
            do {
                device = SottoAccount.newDevice(first.identity(), first.random(), first.clock());
            } while (device.deviceId() == first.device().deviceId());
            s.identities().storeLocalIdentity(SottoAccount.encodeIdentity(first.identity(), device));
            SottoAccount.storeVault(s, PreKeyVault.create(first.identity(), Set.copyOf(SottoAccount.SUITES),
                    PreKeyPolicy.defaults(), first.random(), first.clock().instant()));
            return null;
        });
        SottoAccount second = SottoAccount.open(store, first.random(), first.clock());
        if (!second.fingerprint().equals(first.fingerprint())) {
            throw new IllegalStateException("the second device must be of the same account");
        }
        return second;
    }
}
