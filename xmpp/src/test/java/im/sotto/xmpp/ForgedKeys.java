package im.sotto.xmpp;

import im.sotto.protocol.session.AccountPreKeys;

/** For key-substitution tests: what an attacker with an account of its own publishes in place of a victim's. */
public final class ForgedKeys {
    private ForgedKeys() {
    }

    /** The bundle {@code attacker}'s device would publish (signed by the attacker's account key). */
    public static byte[] bundleOf(SottoAccount attacker) {
        return attacker.store().transact(stores -> AccountPreKeys.maintainedBundle(stores, attacker.identity(),
                attacker.random(), attacker.clock().instant()));
    }
}
