package im.sotto.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterListener;
import org.jivesoftware.smack.roster.RosterLoadedListener;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Subscription requests are the user's to answer. Smack's default ({@code reject_all}) refused every request
 * silently, so a contact who added a Sotto user saw "deleted subscription" and the user was never told; here the
 * roster is in manual mode, each request (and each answer to ours) becomes a {@link SubscriptionEvent}, and the
 * roster, presences and unanswered requests go to the account's {@link RosterCache} for {@code sotto contacts}.
 * Attach before login: the server delivers unanswered requests right after the initial presence.
 */
final class Subscriptions {
    private final Roster roster;
    private final RosterCache cache;
    private final List<SubscriptionEvent> early = new ArrayList<>();
    private Consumer<SubscriptionEvent> sink;
    /** Each contact's available resources, from the presences that arrived (guarded by itself). */
    private final Map<BareJid, Map<String, Presence>> available = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Runnable> presenceWatchers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Subscriptions(Roster roster, RosterCache cache) {
        this.roster = roster;
        this.cache = cache;
    }

    /**
     * Watches {@code connection} (not yet logged in) for the account whose directory is {@code accountDirectory}. A
     * damaged cache does not stop the command: it is said on {@code progress} and rewritten from the server.
     */
    static Subscriptions watch(XMPPConnection connection, im.sotto.protocol.store.AccountStore store,
            Path accountDirectory, java.io.PrintStream progress) {
        Roster roster = Roster.getInstanceFor(connection);
        roster.setSubscriptionMode(Roster.SubscriptionMode.manual);
        Subscriptions subscriptions = new Subscriptions(roster, RosterCache.loadOrReplace(store,
                accountDirectory, progress));
        StanzaListener onPresence = stanza -> subscriptions.received((Presence) stanza);
        connection.addAsyncStanzaListener(onPresence, StanzaTypeFilter.PRESENCE);
        connection.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosed() {
                subscriptions.available.clear(); // a new login gets every presence again
            }

            @Override
            public void connectionClosedOnError(Exception e) {
                subscriptions.available.clear();
            }
        });
        roster.addRosterLoadedListener(new RosterLoadedListener() {
            @Override
            public void onRosterLoaded(Roster loaded) {
                subscriptions.rosterChanged();
            }

            @Override
            public void onRosterLoadingFailed(Exception exception) {
                // The cache keeps the previous roster; the next login tries again.
            }
        });
        roster.addRosterListener(new RosterListener() {
            @Override
            public void entriesAdded(Collection<Jid> addresses) {
                subscriptions.rosterChanged();
            }

            @Override
            public void entriesUpdated(Collection<Jid> addresses) {
                subscriptions.rosterChanged();
            }

            @Override
            public void entriesDeleted(Collection<Jid> addresses) {
                subscriptions.rosterChanged();
            }

            @Override
            public void presenceChanged(Presence presence) {
                // Smack also calls this when it marks everyone offline as we leave: the network's own presences
                // are taken in received() instead.
            }
        });
        return subscriptions;
    }

    /** Events from now on go to {@code events}; those that came before (during login) first, in order. */
    void onEvent(Consumer<SubscriptionEvent> events) {
        List<SubscriptionEvent> before;
        synchronized (early) {
            before = new ArrayList<>(early);
            early.clear();
            sink = events;
        }
        before.forEach(events);
    }

    /** {@code watcher} runs after each change of a contact's presence (chat redraws its status line). */
    void onPresenceChange(Runnable watcher) {
        presenceWatchers.add(watcher);
    }

    Roster roster() {
        return roster;
    }

    RosterCache cache() {
        return cache;
    }

    /** The contact's presence now: "available (laptop), away (phone)", or "offline". */
    String presenceOf(BareJid contact) {
        Map<String, Presence> resources = available.get(contact);
        synchronized (available) {
            return PresenceSummary.of(resources == null ? List.of() : List.copyOf(resources.values()));
        }
    }

    private void received(Presence presence) {
        if (presence.getFrom() == null) {
            return;
        }
        BareJid from = presence.getFrom().asBareJid();
        SubscriptionEvent.Kind kind;
        switch (presence.getType()) {
            case subscribe:
                kind = SubscriptionEvent.Kind.REQUEST;
                cache.requested(from, Instant.now());
                break;
            case unsubscribe:
                kind = SubscriptionEvent.Kind.WITHDRAWN;
                cache.answered(from);
                break;
            case subscribed:
                kind = SubscriptionEvent.Kind.ACCEPTED;
                break;
            case unsubscribed:
                kind = SubscriptionEvent.Kind.DENIED;
                break;
            case available:
            case unavailable:
                if (presence.getFrom().isEntityFullJid()) {
                    String resource = presence.getFrom().getResourceOrEmpty().toString();
                    synchronized (available) {
                        Map<String, Presence> resources = available.computeIfAbsent(from, f -> new TreeMap<>());
                        if (presence.isAvailable()) {
                            resources.put(resource, presence);
                        } else {
                            resources.remove(resource);
                        }
                    }
                    presenceChanged(from);
                }
                return;
            default:
                return;
        }
        cache.save();
        emit(new SubscriptionEvent(kind, from, Instant.now()));
    }

    private void emit(SubscriptionEvent event) {
        Consumer<SubscriptionEvent> target;
        synchronized (early) {
            if (sink == null) {
                early.add(event);
                return;
            }
            target = sink;
        }
        target.accept(event);
    }

    private void rosterChanged() {
        record(roster, cache);
        cache.save();
    }

    /** Copies the roster's entries into {@code cache}; a request approved meanwhile (here or elsewhere) is done. */
    static void record(Roster roster, RosterCache cache) {
        Map<String, String> entries = new TreeMap<>();
        for (RosterEntry entry : roster.getEntries()) {
            entries.put(entry.getJid().toString(), entry.getType().name()
                    + (entry.isSubscriptionPending() ? "+asked" : ""));
            if (entry.canSeeMyPresence()) {
                cache.answered(entry.getJid());
            }
        }
        cache.roster(entries);
    }

    private void presenceChanged(BareJid contact) {
        cache.presence(contact, presenceOf(contact), Instant.now());
        cache.save();
        presenceWatchers.forEach(Runnable::run);
    }
}
