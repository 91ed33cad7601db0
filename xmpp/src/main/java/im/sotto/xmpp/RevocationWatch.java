package im.sotto.xmpp;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import im.sotto.protocol.session.TrustRecords;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.XMPPConnection;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Reads an account's published revocation list (docs/protocol.md 7.7) before the first stanza this manager sends to
 * it after each login, and again before a stanza sent {@link #RECHECK_AFTER} or more after the last reading (a client
 * that stays logged in for days meets a contact's new or revoked device too), and applies it on the worker before
 * that stanza is encrypted: a device revoked on another device of the peer gets nothing from the next send on. Stanzas to one account keep their order: each waits for
 * the one before it. A list that cannot be fetched (no answer, no node) leaves what the store already knows, which
 * is what makes a server withholding the list later gain nothing. The same check reads the account's device list
 * for devices linked after our sessions with it were made ({@link DeviceDiscovery}).
 */
final class RevocationWatch {
    /**
     * How long a reading of an account's lists stands for a manager that stays logged in: long enough that a
     * conversation costs one request per contact now and then, short enough that a device the contact linked or
     * revoked meanwhile is met within minutes, not at the next login. A test shortens it for the managers made while
     * the system property {@code sotto.devices.recheckMs} is set.
     */
    static final Duration RECHECK_AFTER = Duration.ofMinutes(10);

    private final Duration recheckAfter = Duration.ofMillis(Long.getLong("sotto.devices.recheckMs",
            RECHECK_AFTER.toMillis()));

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final Executor worker;
    private final Consumer<SecurityEvent> events;
    private final DeviceGate gate;
    private final DeviceDiscovery discovery;
    private final BundlePublisher pep;
    private final ExecutorService fetches;
    private final Map<BareJid, CompletableFuture<Void>> tails = new HashMap<>();
    private final Map<BareJid, Instant> readAt = new HashMap<>();

    RevocationWatch(SottoAccount account, XMPPConnection connection, Executor worker, Consumer<SecurityEvent> events,
            DeviceDiscovery discovery) {
        this.account = account;
        this.discovery = discovery;
        this.connection = connection;
        this.worker = worker;
        this.events = events;
        this.gate = new DeviceGate(account);
        this.pep = new BundlePublisher(connection);
        this.fetches = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sotto-revocations-" + account.device().deviceId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code submit} (which hands a stanza for {@code to} to the worker) once its account's list was read. */
    synchronized void beforeSend(Jid to, Runnable submit) {
        if (to == null) {
            submit.run();
            return;
        }
        BareJid peer = to.asBareJid();
        Instant now = account.clock().instant();
        CompletableFuture<Void> tail = tails.get(peer);
        Instant last = readAt.get(peer);
        if (tail == null || last == null || !now.isBefore(last.plus(recheckAfter))) {
            readAt.put(peer, now);
            // After what waits already: stanzas to one account keep their order.
            CompletableFuture<Void> before = tail == null ? CompletableFuture.completedFuture(null) : tail;
            tail = before.thenRunAsync(() -> check(peer), fetches).exceptionally(failure -> null);
        }
        tails.put(peer, tail.handle((done, failure) -> {
            submit.run();
            return null;
        }));
    }

    /** After a login: each account's list is read again before the next stanza to it. */
    synchronized void loggedIn() {
        tails.clear();
        readAt.clear();
    }

    void close() {
        fetches.shutdownNow();
    }

    private void check(BareJid peer) {
        BareJid self = connection.getUser() == null ? null : connection.getUser().asBareJid();
        boolean known = peer.equals(self) || account.store().transact(s -> TrustRecords.load(s, CoreJid.of(peer),
                account.clock()).isPresent());
        if (!known) {
            return;   // no key to check a list against, and no session a revocation could end
        }
        try {
            readRevocations(peer, self);
            // After the revocations, so that a device revoked there is not started here (the worker runs both in
            // this order, before the stanza that waits for them).
            Map<Long, Optional<byte[]>> unmet = discovery.fetch(pep, peer, self);
            if (!unmet.isEmpty()) {
                worker.execute(() -> discovery.offer(peer, unmet));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readRevocations(BareJid peer, BareJid self) throws InterruptedException {
        Optional<byte[]> published;
        try {
            published = pep.fetchRevocations(peer);
        } catch (PepException e) {
            return;   // withheld or unreachable: what the store knows stands
        }
        if (published.isPresent()) {
            byte[] list = published.get();
            worker.execute(() -> gate.apply(peer, list, self).forEach(events));
        }
    }
}
