package im.sotto.xmpp;

import im.sotto.protocol.session.AccountPreKeys;
import im.sotto.protocol.store.InMemoryAccountStore;

/**
 * For tests of continuity: what a thief who copied a device's long-term keys (its identity record: account seed,
 * device key, certificate; and its prekeys) holds, in a fresh store, without anything the device learned since
 * (sessions, trust decisions, retained secrets).
 */
public final class StolenDevice {
    private StolenDevice() {
    }

    /** A new account on a fresh in-memory store with {@code victim}'s identity and prekeys and nothing else. */
    public static SottoAccount copyKeysOf(SottoAccount victim) {
        InMemoryAccountStore thief = new InMemoryAccountStore();
        victim.store().transact(stolen -> thief.transact(copy -> {
            copy.identities().storeLocalIdentity(stolen.identities().localIdentity().orElseThrow());
            AccountPreKeys.store(copy, AccountPreKeys.load(stolen));
            return null;
        }));
        SottoAccount copy = SottoAccount.open(thief, victim.random(), victim.clock());
        if (copy.device().deviceId() != victim.device().deviceId()) {
            throw new IllegalStateException("the copy must be the same device");
        }
        return copy;
    }
}
