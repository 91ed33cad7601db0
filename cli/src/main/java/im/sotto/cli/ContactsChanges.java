package im.sotto.cli;

import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import im.sotto.store.StoreOpenException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code sotto contacts add|accept|deny|remove JID}: roster changes and answers to subscription requests. They log in
 * without an initial presence: the server then delivers no offline message to them (a later listen, chat or send
 * decrypts those). They work while a listen or chat of the account runs: that process holds the store, learns the
 * change from the server's roster push and records it; otherwise they record it in the store themselves.
 */
final class ContactsChanges {
    /** The roster is the first answer after login; a server that takes longer is broken or overloaded. */
    private static final long ROSTER_WAIT_MILLIS = 10_000;

    private ContactsChanges() {
    }

    /** What a change does on a logged-in connection; returns the line to print. */
    private interface Change {
        String apply(XMPPTCPConnection connection, Roster roster, EntityBareJid contact, RosterCache cache)
                throws SmackException, XMPPException, InterruptedException;
    }

    abstract static class Base implements Callable<Integer> {
        @Mixin
        Common common;

        @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
        String jid;

        abstract Change change();

        @Override
        public Integer call() {
            EntityBareJid contact = Jids.account(jid);
            Accounts.Entry entry = Accounts.choose(common);
            if (contact.equals(entry.jid())) {
                throw new CliException(ExitCode.USAGE, contact + " is this account itself");
            }
            Connector.Transport transport = Online.transport(common, entry);
            char[] password = Secrets.password(common, entry.jid().toString());
            XMPPTCPConnection connection;
            try {
                connection = Connector.connection(entry.jid(), password, "sotto-" + UUID.randomUUID().toString()
                        .substring(0, 8), transport, false);
            } finally {
                Arrays.fill(password, '\0');
            }
            Roster roster = Roster.getInstanceFor(connection);
            roster.setSubscriptionMode(Roster.SubscriptionMode.manual);
            Optional<Accounts.Opened> opened = openIfFree(common, entry);
            RosterCache cache = opened.map(o -> RosterCache.loadOrReplace(o.store, entry.directory(), System.err))
                    .orElseGet(RosterCache::detached);
            try {
                Connector.connectAndLogin(connection, entry.jid(), transport);
            } catch (RuntimeException e) {
                opened.ifPresent(Accounts.Opened::close);
                throw e;
            }
            try {
                long deadline = System.currentTimeMillis() + ROSTER_WAIT_MILLIS;
                while (!roster.isLoaded() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                if (!roster.isLoaded()) {
                    throw new CliException(ExitCode.CONNECTION, "the server did not send the roster within "
                            + ROSTER_WAIT_MILLIS / 1000 + " s; nothing was changed");
                }
                Subscriptions.record(roster, cache); // what the server says now, then this change on top
                String done = change().apply(connection, roster, contact, cache);
                cache.save();
                System.out.println(done);
                return ExitCode.OK;
            } catch (XMPPException.XMPPErrorException e) {
                throw new CliException(ExitCode.CONNECTION, "the server refused: " + e.getStanzaError()
                        .getCondition() + "; nothing was changed", e);
            } catch (SmackException | XMPPException e) {
                throw new CliException(ExitCode.CONNECTION, "the server did not answer: "
                        + Connector.rootMessage(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILED, "interrupted", e);
            } finally {
                connection.disconnect();
                opened.ifPresent(Accounts.Opened::close);
            }
        }
    }

    /** The account's store, or empty while another process (a listen or chat of the account) holds it. */
    private static Optional<Accounts.Opened> openIfFree(Common common, Accounts.Entry entry) {
        try {
            return Optional.of(Accounts.open(common, entry));
        } catch (CliException e) {
            if (e.getCause() instanceof StoreOpenException s && s.kind() == StoreOpenException.Kind.IN_USE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static void answer(XMPPTCPConnection connection, EntityBareJid contact, Presence.Type type)
            throws SmackException.NotConnectedException, InterruptedException {
        connection.sendStanza(StanzaBuilder.buildPresence().ofType(type).to(contact).build());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {"Adds JID to the roster and asks to see "
            + "its presence (a subscription request it answers). If JID had asked to see yours, that is accepted "
            + "too."})
    static final class Add extends Base {
        @Override
        Change change() {
            return (connection, roster, contact, cache) -> {
                roster.createItemAndRequestSubscription(contact, null, null);
                boolean asked = cache.pending().containsKey(contact.toString());
                if (asked) {
                    answer(connection, contact, Presence.Type.subscribed);
                    cache.answered(contact);
                }
                return "Added " + contact + " and asked to see its presence" + (asked
                        ? "; its request to see yours is accepted" : "; it sees yours once you accept its request");
            };
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true, description = {"Lets JID see your presence (accepts "
            + "its subscription request) and, unless you already do, asks to see its presence in return."})
    static final class Accept extends Base {
        @Override
        Change change() {
            return (connection, roster, contact, cache) -> {
                answer(connection, contact, Presence.Type.subscribed);
                cache.answered(contact);
                RosterEntry entry = roster.getEntry(contact);
                boolean askBack = entry == null || !(entry.canSeeHisPresence() || entry.isSubscriptionPending());
                if (askBack) {
                    roster.createItemAndRequestSubscription(contact, null, null);
                }
                return "Accepted: " + contact + " sees your presence" + (askBack ? "; asked to see its presence too"
                        : "");
            };
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = {"Refuses JID's subscription request (or "
            + "stops it seeing your presence). Its messages still arrive; block it on the server to stop those."})
    static final class Deny extends Base {
        @Override
        Change change() {
            return (connection, roster, contact, cache) -> {
                answer(connection, contact, Presence.Type.unsubscribed);
                cache.answered(contact);
                return "Denied: " + contact + " does not see your presence";
            };
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = {"Removes JID from the roster: neither "
            + "of you sees the other's presence any more, and an unanswered request from it is denied. Sessions and "
            + "trust stay in the store (sotto distrust ends those)."})
    static final class Remove extends Base {
        @Override
        Change change() {
            return (connection, roster, contact, cache) -> {
                RosterEntry entry = roster.getEntry(contact);
                boolean pending = cache.pending().containsKey(contact.toString());
                if (entry == null && !pending) {
                    throw new CliException(ExitCode.USAGE, contact + " is not in the roster and has no request "
                            + "waiting; nothing to remove");
                }
                if (entry != null) {
                    roster.removeEntry(entry); // the server sends unsubscribe and unsubscribed for us
                } else {
                    answer(connection, contact, Presence.Type.unsubscribed);
                }
                cache.removed(contact);
                return "Removed " + contact + (entry == null ? " (its request denied)" : " from the roster");
            };
        }
    }
}
