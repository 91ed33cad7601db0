package im.sotto.xmpp;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.protocol.session.StillMissing;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;
import im.sotto.xmpp.omemo.OmemoBinding;
import im.sotto.xmpp.pep.PepReadAhead;

import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.OrFilter;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smackx.carbons.CarbonCopyReceivedListener;
import org.jivesoftware.smackx.carbons.CarbonManager;

/**
 * What Smack calls on the connection for Sotto, each handed to the manager's worker: incoming Sotto stanzas (in
 * arrival order, held while archive catch-up runs), messages of other schemes or none, carbon copies, a contact's
 * resource coming online, the initial presence, and each login, after which the archive is caught up, the bundle
 * published and what waits is driven again.
 */
final class ConnectionHooks {
    private static final StanzaFilter INCOMING = new OrFilter(
            new AndFilter(new OrFilter(StanzaTypeFilter.MESSAGE, StanzaTypeFilter.PRESENCE),
                    new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE)),
            stanza -> stanza instanceof SottoEncryptedIq
                    && (((IQ) stanza).getType() == IQ.Type.result || ((IQ) stanza).getType() == IQ.Type.error));

    private static final StanzaFilter AVAILABLE_RESOURCE = stanza -> stanza instanceof Presence presence
            && presence.getType() == Presence.Type.available && presence.getFrom() != null
            && presence.getFrom().isEntityFullJid();

    /** The presence a client broadcasts to its contacts after login (no addressee). */
    private static final StanzaFilter INITIAL_PRESENCE = stanza -> stanza instanceof Presence presence
            && presence.getType() == Presence.Type.available && presence.getTo() == null;

    private final XMPPConnection connection;
    private final SottoAccount account;
    private final ScheduledExecutorService worker;
    private final SessionDriver driver;
    private final ArchiveCatchUp archive;
    private final CatchUpPasses catchUp;
    private final OmemoBinding omemo;
    private final RevocationWatch revocations;
    private final ListenerFanout listeners;
    /** Incoming stanzas handed to the worker and not yet processed: the archive position is written when none is. */
    private final AtomicInteger incomingWaiting = new AtomicInteger();
    /** Worker thread only. */
    private boolean reportedStillMissing;
    private final StanzaListener incoming;
    /** A contact's resource came online: what waits for it is tried again (a deleted handshake, stripped caps). */
    private final StanzaListener peerAvailable;
    private final ConnectionListener onLogin;
    private final StanzaListener initialPresence;
    private final StanzaListener unprotectedIncoming;
    /** Carbon copies of Sotto messages (our other devices' and theirs), read like archived ones (OwnDevices). */
    private final CarbonCopyReceivedListener copies;

    ConnectionHooks(XMPPConnection connection, SottoAccount account, ScheduledExecutorService worker,
            SessionDriver driver, ArchiveCatchUp archive, CatchUpPasses catchUp, OmemoBinding omemo,
            UnprotectedArrivals unprotected, RevocationWatch revocations, ListenerFanout listeners) {
        this.connection = connection;
        this.account = account;
        this.worker = worker;
        this.driver = driver;
        this.archive = archive;
        this.catchUp = catchUp;
        this.omemo = omemo;
        this.revocations = revocations;
        this.listeners = listeners;
        this.initialPresence = stanza -> archive.initialPresenceSent();
        this.incoming = stanza -> {
            incomingWaiting.incrementAndGet();
            worker.execute(() -> receiveLive(stanza));
        };
        this.unprotectedIncoming = stanza -> worker.execute(() -> unprotected.receive((Message) stanza));
        this.copies = OwnDevices.copyListener(connection, copy -> worker.execute(() -> receiveArchived(copy)));
        this.peerAvailable = stanza -> worker.execute(() -> driver.release(stanza.getFrom().asBareJid()));
        this.onLogin = new ConnectionListener() {
            @Override
            public void connected(XMPPConnection c) {
                worker.execute(catchUp::connecting); // before any stanza of the new stream reaches the worker
            }

            @Override
            public void authenticated(XMPPConnection c, boolean resumed) {
                archive.loggedIn();
                worker.execute(ConnectionHooks.this::afterLogin);
            }
        };
    }

    /** Listens on the connection; if it is logged in already, does at once what a login does. */
    void attach() {
        // A sync listener is called in arrival order; the worker keeps that order (offline storage delivers a
        // session's first message before the messages that depend on it).
        connection.addSyncStanzaListener(incoming, INCOMING);
        omemo.start();
        connection.addSyncStanzaListener(unprotectedIncoming, UnprotectedArrivals.FILTER);
        connection.addAsyncStanzaListener(peerAvailable, AVAILABLE_RESOURCE);
        CarbonManager.getInstanceFor(connection).addCarbonCopyReceivedListener(copies);
        connection.addStanzaSendingListener(initialPresence, INITIAL_PRESENCE);
        if (connection instanceof AbstractXMPPConnection abstractConnection) {
            UnparseableSottoStanzas.install(abstractConnection, listeners::emit);
        }
        connection.addConnectionListener(onLogin);
        if (connection.isAuthenticated()) {
            archive.initialPresenceSent(); // enabled after login: the presence went out before
            worker.execute(this::afterLogin);
        }
    }

    /** Stops listening: encrypted stanzas arriving afterwards are left to Smack. */
    void detach() {
        connection.removeSyncStanzaListener(incoming);
        connection.removeSyncStanzaListener(unprotectedIncoming);
        connection.removeAsyncStanzaListener(peerAvailable);
        CarbonManager.getInstanceFor(connection).removeCarbonCopyReceivedListener(copies);
        connection.removeStanzaSendingListener(initialPresence);
        connection.removeConnectionListener(onLogin);
    }

    /**
     * Reports what stored sessions still miss (first login only), publishes, then drives what waits for a session,
     * including what an earlier run left in the store.
     */
    private void afterLogin() {
        // The checks below (publish, omemo.loggedIn) read the account's own nodes one after the other: ask all at once.
        java.util.List<IQ> reads = new java.util.ArrayList<>(driver.bundles().loginReads());
        reads.addAll(omemo.loginReads());
        PepReadAhead.Batch batch = PepReadAhead.of(connection).readAhead(reads);
        revocations.loggedIn();
        catchUp.catchUp(new CatchUpPasses.Sink(this::receiveArchived, driver::receive, this::reportStillMissing));
        omemo.loggedIn();
        driver.own().afterLogin();
        // Sotto's check waits for the archive's position; what no check took by then is dropped with the batch.
        catchUp.whenPositionKnown(() -> {
            try (batch) {
                driver.bundles().publish();
            }
        });
        driver.redrive();
    }

    /** Once per manager (per run), after catch-up: gaps a crashed earlier run stored but may not have reported. */
    private void reportStillMissing() {
        if (!reportedStillMissing) {
            reportedStillMissing = true;
            CoreEvents.of(StillMissing.of(account.store(), account.random(), account.clock())).forEach(listeners::emit);
        }
    }

    private void receiveLive(Stanza stanza) {
        if (catchUp.hold(stanza)) {
            incomingWaiting.decrementAndGet(); // processed (or skipped) when catch-up is done
            return;
        }
        try {
            if (!archive.alreadyProcessed(stanza)) {
                driver.receive(stanza);
            }
        } finally {
            catchUp.afterLive(stanza, incomingWaiting.decrementAndGet() == 0);
        }
    }

    private void receiveArchived(Message message) {
        listeners.readingArchive(() -> driver.receiveArchived(message));
    }
}
