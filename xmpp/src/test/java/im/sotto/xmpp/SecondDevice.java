package im.sotto.xmpp;

import im.sotto.protocol.store.InMemoryAccountStore;

/**
 * For tests of device approval: another device of the same account (the account key certifies a new device key),
 * on a fresh in-memory store, as a user's second client would be.
 */
public final class SecondDevice {
    private SecondDevice() {
    }

    public static SottoAccount of(SottoAccount first) {
        SottoAccount second = SottoAccount.openLinkedDevice(new InMemoryAccountStore(), first.identity(),
                first.random(), first.clock());
        if (!second.fingerprint().equals(first.fingerprint())
                || second.device().deviceId() == first.device().deviceId()) {
            throw new IllegalStateException("the second device must be another device of the same account");
        }
        return second;
    }
}
