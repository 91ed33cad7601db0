package im.sotto.xmpp.it;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.roster.Roster;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Roster items as users who talk have them. Sotto reveals a device only to contacts by default
 * ({@code RevealPolicy.CONTACTS}): the tests' alice and bob are each in the other's roster, while carol stays a
 * stranger to both.
 */
final class TestContacts {
    private static final long WAIT_MS = 5_000;

    private TestContacts() {
    }

    /** If {@code connection} is alice or bob: the other one is added to its roster (once per server run). */
    static void aliceAndBobKnowEachOther(XMPPConnection connection) throws Exception {
        String me = connection.getUser().getLocalpart().toString();
        String other = me.equals("alice") ? "bob" : me.equals("bob") ? "alice" : null;
        if (other != null) {
            add(connection, JidCreate.bareFrom(other + "@" + connection.getXMPPServiceDomain()));
        }
    }

    /** Adds {@code contact} to the roster of {@code connection} (an item of type none, as a user makes it). */
    static void add(XMPPConnection connection, BareJid contact) throws Exception {
        Roster roster = Roster.getInstanceFor(connection);
        if (!roster.isLoaded()) {
            roster.reloadAndWait();
        }
        if (roster.getEntry(contact) == null) {
            roster.createItem(contact, contact.getLocalpartOrThrow().toString(), null);
        }
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (roster.getEntry(contact) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Removes {@code stranger} from the roster of {@code connection} if an earlier test on this server run put it
     * there (ProfanityIT subscribes alice and carol to each other): a test about strangers starts from one.
     */
    static void forget(XMPPConnection connection, BareJid stranger) throws Exception {
        Roster roster = Roster.getInstanceFor(connection);
        if (!roster.isLoaded()) {
            roster.reloadAndWait();
        }
        org.jivesoftware.smack.roster.RosterEntry entry = roster.getEntry(stranger);
        if (entry == null) {
            return;
        }
        roster.removeEntry(entry);
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (roster.getEntry(stranger) != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
