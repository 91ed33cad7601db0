package im.sotto.xmpp;

import im.sotto.protocol.store.Stores;

import org.jivesoftware.smack.SmackException;
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
        if (!roster.isLoaded()) {
            // Offline messages arrive during login, before the roster: a contact must not be taken for a stranger
            // (no heal, the protected mode) just because its roster item is still on the way. Called on the
            // binding's worker, never on Smack's reader thread, so waiting for the roster cannot block it.
            try {
                roster.reloadAndWait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SmackException.NotLoggedInException | SmackException.NotConnectedException e) {
                // Decided without the roster: the trust record alone counts until the next login.
            }
        }
        RosterEntry entry = roster.getEntry(peer);
        return entry != null && entry.getType() != RosterPacket.ItemType.from
                && entry.getType() != RosterPacket.ItemType.remove;
    }
}
