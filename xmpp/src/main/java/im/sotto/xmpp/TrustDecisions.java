package im.sotto.xmpp;

import java.util.Optional;
import java.util.function.Consumer;

import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.TrustException;

import org.jxmpp.jid.BareJid;

/**
 * The user's decisions about a contact's keys and devices ({@link SottoManager#acceptNewKey} and the like): each
 * works on the loaded trust state and stores the result in the same transaction; then what was held for the decision
 * is released. Called on the manager's worker thread.
 */
final class TrustDecisions {
    /** One trust decision: the new state, or empty when it does not apply (nothing is stored then). */
    private interface Decision {
        Optional<ContactTrust> apply(Stores stores, ContactTrust trust) throws TrustException;
    }

    private final SottoAccount account;
    /** The driver's release: what waited for the decision goes out, or its session is started. */
    private final Consumer<BareJid> release;

    TrustDecisions(SottoAccount account, Consumer<BareJid> release) {
        this.account = account;
        this.release = release;
    }

    /** The new account key is pinned, unverified, and the sessions under the old one are dropped. */
    boolean acceptNewKey(BareJid peer) {
        return decide(peer, (stores, trust) -> {
            if (trust.pendingKeyChange().isEmpty()) {
                return Optional.empty();
            }
            for (SessionAddress address : stores.sessions().devices(peer.toString())) {
                stores.sessions().delete(address);
            }
            return Optional.of(trust.acceptNewAccountKey(trust.pendingKeyChange().get(), account.clock()));
        });
    }

    /** The user compared the SAS (or fingerprint): {@code matched} verifies the contact, a mismatch distrusts it. */
    boolean compared(BareJid peer, boolean matched) {
        return decide(peer, (stores, trust) -> Optional.of(trust.markVerified(trust.pinnedKey(), matched,
                account.clock())));
    }

    boolean distrust(BareJid peer) {
        return decide(peer, (stores, trust) -> Optional.of(trust.distrust()));
    }

    boolean approveDevice(BareJid peer, long deviceId) {
        return decide(peer, (stores, trust) -> trust.pendingDevices().contains(deviceId)
                ? Optional.of(trust.approveDevice(deviceId)) : Optional.empty());
    }

    /** Everything decided about {@code peer}; empty when no key is pinned yet. */
    Optional<ContactStatus> contact(BareJid peer) {
        return account.store().transact(stores -> TrustRecords.load(stores, CoreJid.of(peer), account.clock())
                .map(t -> ContactStatus.of(peer, t, account.clock())));
    }

    private boolean decide(BareJid peer, Decision decision) {
        boolean changed = account.store().transact(stores -> {
            Optional<ContactTrust> trust = TrustRecords.load(stores, CoreJid.of(peer), account.clock());
            if (trust.isEmpty()) {
                return false;
            }
            Optional<ContactTrust> next;
            try {
                next = decision.apply(stores, trust.get());
            } catch (TrustException e) {
                return false;
            }
            next.ifPresent(t -> TrustRecords.store(stores, CoreJid.of(peer), t));
            return next.isPresent();
        });
        if (changed) {
            release.accept(peer);
        }
        return changed;
    }
}
