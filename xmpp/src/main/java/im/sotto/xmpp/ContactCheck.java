package im.sotto.xmpp;

import im.sotto.protocol.store.Stores;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jxmpp.jid.BareJid;

/**
 * Who counts as a contact for {@link RevealPolicy} and healing: a JID with a trust record (a key pinned from an
 * earlier session) or a roster item the user made. A roster item of type {@code from} does not count: a stranger
 * gets one just by asking for our presence wherever subscription requests are approved automatically (Smack's
 * {@code accept_all} mode, some servers' and clients' settings).
 */
final class ContactCheck {
    private final SottoAccount account;
    private final Roster roster;

    /** Made with the manager, before login, so that Smack loads the roster at every login. */
    ContactCheck(SottoAccount account, XMPPConnection connection) {
        this.account = account;
        this.roster = Roster.getInstanceFor(connection);
    }

    boolean isContact(BareJid peer) {
        return hasTrustRecord(peer) || inRoster(peer);
    }

    boolean hasTrustRecord(BareJid peer) {
        return account.store().transact((Stores s) -> TrustRecords.load(s, peer, account.clock()).isPresent());
    }

    private boolean inRoster(BareJid peer) {
        RosterEntry entry = roster.getEntry(peer);
        return entry != null && entry.getType() != RosterPacket.ItemType.from
                && entry.getType() != RosterPacket.ItemType.remove;
    }
}
