package im.sotto.xmpp;

import java.util.Optional;

import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.Stores;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterLoadedListener;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jxmpp.jid.BareJid;

/**
 * Who counts as a contact for {@link im.sotto.protocol.session.RevealPolicy} and healing: a JID with a trust record
 * (a key pinned from an earlier session) or a session, or a roster item the user made. A roster item of type {@code from} does not count:
 * a stranger gets one just by asking for our presence wherever subscription requests are approved automatically
 * (Smack's {@code accept_all} mode, some servers' and clients' settings).
 *
 * <p>Offline messages arrive during login, before the roster. A JID known only from the roster (a contact whose first
 * session completed on its side only, because this device died before storing it) is then neither a contact nor a
 * stranger yet: {@link #standing} says {@link Optional#empty()} and the caller waits for {@link #whenRosterLoaded}
 * instead of refusing it as a stranger.
 */
final class ContactCheck {
    private final SottoAccount account;
    private final Roster roster;
    /** The last load failed: decide by the stores alone until a load succeeds (set on Smack's thread). */
    private volatile boolean rosterFailed;

    /** Made with the manager, before login, so that Smack loads the roster at every login. */
    ContactCheck(SottoAccount account, XMPPConnection connection) {
        this.account = account;
        this.roster = Roster.getInstanceFor(connection);
    }

    /** True if {@code peer} is a contact now; a JID whose roster is still loading counts as none (the safe side). */
    boolean isContact(BareJid peer) {
        return standing(peer).orElse(false);
    }

    /**
     * Whether {@code peer} is a contact: true with a trust record or a session whatever the roster says, else what
     * the roster says once loaded; empty while the roster is still loading (decide after {@link #whenRosterLoaded}).
     */
    Optional<Boolean> standing(BareJid peer) {
        if (known(peer)) {
            return Optional.of(true);
        }
        if (!roster.isLoaded()) {
            // Waiting makes sense only for a roster on its way; without one, the stores alone decide.
            return roster.isRosterLoadedAtLogin() && !rosterFailed ? Optional.empty() : Optional.of(false);
        }
        return Optional.of(inRoster(peer));
    }

    boolean hasTrustRecord(BareJid peer) {
        return account.store().transact((Stores s) -> TrustRecords.load(s, CoreJid.of(peer), account.clock()).isPresent());
    }

    /** A trust record or a session with one of its devices: met before, never a stranger. */
    private boolean known(BareJid peer) {
        return account.store().transact((Stores s) -> TrustRecords.load(s, CoreJid.of(peer), account.clock()).isPresent()
                || !s.sessions().devices(peer.toString()).isEmpty());
    }

    /**
     * Runs {@code action} (on Smack's thread: hand it to the worker) once the roster is loaded or failed to load,
     * at every login; a failed load decides by the stores alone.
     */
    void whenRosterLoaded(Runnable action) {
        roster.addRosterLoadedListener(new RosterLoadedListener() {
            @Override
            public void onRosterLoaded(Roster loaded) {
                rosterFailed = false;
                action.run();
            }

            @Override
            public void onRosterLoadingFailed(Exception exception) {
                rosterFailed = true;
                action.run();
            }
        });
    }

    private boolean inRoster(BareJid peer) {
        RosterEntry entry = roster.getEntry(peer);
        return entry != null && entry.getType() != RosterPacket.ItemType.from
                && entry.getType() != RosterPacket.ItemType.remove;
    }
}
