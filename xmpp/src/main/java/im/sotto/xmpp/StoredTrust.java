package im.sotto.xmpp;

import java.util.Optional;

import im.sotto.protocol.session.TrustRecords;

import org.jxmpp.jid.BareJid;

/**
 * What the store says about a contact, read without a connection: for commands that only show it ({@code sotto
 * contacts}), which then start without Smack's initialisation (about 0.4 s of CPU). Decisions still go through
 * {@link SottoManager}, which serialises them on its worker.
 */
public final class StoredTrust {
    private StoredTrust() {
    }

    /** Everything decided about {@code peer}; empty when no key is pinned yet. */
    public static Optional<ContactStatus> contact(SottoAccount account, BareJid peer) {
        return account.store().transact(stores -> TrustRecords.load(stores, CoreJid.of(peer), account.clock())
                .map(t -> ContactStatus.of(peer, t, account.clock())));
    }
}
