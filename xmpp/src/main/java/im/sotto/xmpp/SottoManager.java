package im.sotto.xmpp;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import im.sotto.protocol.session.RevealPolicy;
import im.sotto.protocol.trust.TrustLevel;

import org.jivesoftware.smack.Manager;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.id.StandardStanzaIdSource;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;

/**
 * Sotto on one connection: checks this device's bundle on every login (publishing when the server's copy
 * differs), advertises the feature, sets up sessions, encrypts what the application sends through it and decrypts
 * what arrives.
 *
 * <pre>{@code
 * SottoAccount account = SottoAccount.open(SqliteAccountStore.open(path, protection), new SecureRandom(), Clock.systemUTC());
 * SottoManager sotto = SottoManager.enable(connection, account);
 * sotto.addListener(stanza -> show(stanza)); sotto.send(message);
 * }</pre>
 *
 * <p>Nothing goes out in plaintext: {@link #send} encrypts or queues until a session exists, and fails the returned
 * future with a {@link SottoSendException} (and a {@link SecurityEvent.SendFailed}) when none can be made. Queued
 * messages and presences are kept in the store until the transaction that encrypts them, so they survive a restart:
 * the next manager with the same account sends them after login. Once encrypted, a message or presence is kept (its
 * ciphertext only) until the server acknowledges it (XEP-0198 stream management), and sent again, unchanged, by the
 * next manager if the process died before. Every
 * protocol operation runs on one worker thread per connection, one store transaction each; listeners are called on
 * that thread. (Inside: what Smack calls for Sotto is in {@code ConnectionHooks}, the user's trust decisions in
 * {@code TrustDecisions}, sending and receiving in {@code SessionDriver}.)
 */
public final class SottoManager extends Manager {
    private static final Map<XMPPConnection, SottoManager> INSTANCES = new WeakHashMap<>();

    private final SottoAccount account;
    private final ScheduledExecutorService worker;
    private final SessionDriver driver;
    private final CatchUpPasses catchUp;
    /** OMEMO 0.3 with contacts who have no Sotto (docs/protocol.md §10); its logic lives in its own package. */
    private final im.sotto.xmpp.omemo.OmemoBinding omemo;
    private final ListenerFanout listeners = new ListenerFanout();
    private volatile SottoIqRequestHandler iqHandler;
    /** Encrypted iq requests: decrypted in arrival order, answered off Smack's ordered thread. */
    private final IqRequests iqRequests;
    /** Messages without a Sotto element: offered to other schemes' handlers, else reported (issue #18). */
    private final UnprotectedArrivals unprotected;
    /** Revocation lists read before the first send to each account after a login (docs/protocol.md 7.7). */
    private final RevocationWatch revocations;
    private final ConnectionHooks hooks;
    private final TrustDecisions trust;

    /**
     * Enables Sotto on {@code connection} with {@code account}; publishes at once if logged in, and on every login.
     * Enable it before logging in: a server delivers stored offline messages right after login.
     *
     * @throws IllegalStateException if Sotto is already enabled on this connection
     */
    public static synchronized SottoManager enable(XMPPConnection connection, SottoAccount account) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(account, "account");
        if (INSTANCES.containsKey(connection)) {
            throw new IllegalStateException("Sotto is already enabled on this connection");
        }
        SottoManager manager = new SottoManager(connection, account);
        INSTANCES.put(connection, manager);
        manager.start();
        return manager;
    }

    /** The manager {@link #enable} created for {@code connection}. */
    public static synchronized SottoManager getInstanceFor(XMPPConnection connection) {
        SottoManager manager = INSTANCES.get(connection);
        if (manager == null) {
            throw new IllegalStateException("Sotto is not enabled on this connection: call SottoManager.enable first");
        }
        return manager;
    }

    private SottoManager(XMPPConnection connection, SottoAccount account) {
        super(connection);
        this.account = account;
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sotto-" + account.device().deviceId());
            thread.setDaemon(true);
            return thread;
        });
        this.driver = new SessionDriver(account, connection, worker, listeners::emit, listeners::deliver);
        this.iqRequests = new IqRequests(connection, worker, new IqRequests.Driver() {
            @Override
            public Optional<DecryptedStanza> receive(Stanza request) {
                return driver.receive(request);
            }

            @Override
            public Optional<Stanza> encrypt(IQ response) throws im.sotto.xmpp.envelope.EnvelopeException {
                return driver.encryptResponse(response);
            }
        }, () -> iqHandler, "sotto-iq-" + account.device().deviceId());
        ArchiveCatchUp archive = new ArchiveCatchUp(account, connection, listeners::emit);
        this.catchUp = new CatchUpPasses(archive, worker, stanza -> driver.confirmsAnsweredHandshake(stanza));
        this.omemo = new im.sotto.xmpp.omemo.OmemoBinding(connection, account, account.random(), account.clock(),
                worker, listeners::emit, listeners::deliver);
        this.unprotected = new UnprotectedArrivals(account, connection, listeners::emit);
        this.revocations = new RevocationWatch(account, connection, worker, listeners::emit, driver.discovery());
        // OMEMO 0.3 messages are always read (one can only arrive for a device that published an OMEMO bundle once).
        unprotected.register(im.sotto.xmpp.omemo.Axolotl.NAMESPACE, message -> {
            omemo.receive(message);
            return true;
        });
        unprotected.register(im.sotto.xmpp.omemo2.Omemo2Names.NAMESPACE, message -> omemo.omemo2().claim(message));
        this.hooks = new ConnectionHooks(connection, account, worker, driver, archive, catchUp, omemo, unprotected,
                revocations, listeners);
        this.trust = new TrustDecisions(account, driver::release);
    }

    private void start() {
        SottoTransportManager.getInstanceFor(connection()).setEncryptedIqHandler(iqRequests::accept);
        hooks.attach();
    }

    /**
     * Stops Sotto on this connection: no more stanzas are received or sent through it, and its worker ends. Stanzas
     * still waiting for a session stay in the store and are sent by the next manager enabled with the same account
     * (after a restart); their futures here never complete. Encrypted stanzas arriving afterwards are left to Smack.
     * It first waits up to 2 s for the server to acknowledge what was sent (stream management), so that the next
     * run has no kept copy to send again; call it before disconnecting.
     */
    public void disable() {
        XMPPConnection connection = connection();
        synchronized (SottoManager.class) {
            if (INSTANCES.get(connection) == this) {
                INSTANCES.remove(connection);
            }
        }
        hooks.detach();
        SottoTransportManager.getInstanceFor(connection).clearEncryptedIqHandler();
        iqRequests.close();
        try {
            // What the worker still has to do runs first; then it waits briefly for the server's acknowledgements.
            worker.submit(driver::close).get(UnconfirmedOutbox.ACK_WAIT_ON_CLOSE.toMillis() + 3000,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            // A busy, failed or stopped worker: the kept copies stay in the store and the next run sends them.
        }
        worker.shutdownNow();
        revocations.close();
    }

    /** OMEMO on this connection: device id, fingerprints, devices met, trust decisions. */
    public im.sotto.xmpp.omemo.OmemoBinding omemo() {
        return omemo;
    }

    public SottoAccount account() {
        return account;
    }

    /** The sessions held with {@code peer}'s devices (suite, origin, SAS, continuity), for a status display. */
    public java.util.List<SessionSummary> sessions(BareJid peer) {
        return onWorker(() -> account.store().transact(stores -> SessionSummary.of(stores, peer)));
    }

    public void addListener(SottoListener listener) {
        listeners.add(listener);
    }

    /** {@code watcher} learns each of our messages as it is encrypted, with its number per device (loss reports). */
    public void onSealed(java.util.function.Consumer<SealedMessage> watcher) {
        driver.onSealed(Objects.requireNonNull(watcher, "watcher"));
    }

    public void removeListener(SottoListener listener) {
        listeners.remove(listener);
    }

    /**
     * Lets {@code handler} claim incoming messages without a Sotto element that carry an element in {@code namespace}
     * (another scheme's decryption, such as OMEMO's {@code eu.siacs.conversations.axolotl}); what no handler claims
     * is reported as {@link SecurityEvent.ForeignEncryption} or {@link SecurityEvent.UnencryptedMessage}.
     */
    public void addIncomingHandler(String namespace, IncomingHandler handler) {
        unprotected.register(namespace, handler);
    }

    /** Answers encrypted iq requests; without a handler they get an encrypted {@code service-unavailable}. */
    public void setIqRequestHandler(SottoIqRequestHandler handler) {
        this.iqHandler = handler;
    }

    /** How long one online handshake attempt may take before it is retried (then doubled per retry). */
    public void setHandshakeTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        driver.handshakeTimeout(timeout);
    }

    /**
     * With {@code keep}, a message that fails for a reason that may pass ({@link
     * SendFailure#mayPass}: no Sotto device yet, no answer, no connection) stays in the store's queue,
     * encrypted at rest, with that reason ({@link SottoOutbox} lists and drops it) and its future fails as
     * {@link SottoSendException#stillQueued}; it blocks nothing sent after it and is tried again at the next login or
     * {@link #retryQueued}. Without (the default) such a stanza is reported and dropped.
     */
    public void setKeepFailed(boolean keep) {
        worker.execute(() -> driver.keepFailed(keep));
    }

    /**
     * Tries again, now, whatever the store's queue keeps waiting (as after a login); the future completes once the
     * attempts started (what needs a new session goes out when it is made).
     */
    public CompletableFuture<Void> retryQueued() {
        return CompletableFuture.runAsync(driver::redrive, worker);
    }

    /**
     * To whom this device reveals its identity in online handshakes it answers ({@link RevealPolicy}; default
     * {@link RevealPolicy#CONTACTS}: only JIDs with a trust record or a roster item the user made, which is not
     * one of type {@code from}). Takes effect for handshakes opened afterwards.
     */
    public void setRevealPolicy(RevealPolicy policy) {
        driver.revealPolicy(Objects.requireNonNull(policy, "policy"));
    }

    /** Sends {@code message} encrypted; the future completes once it went out (after a session was made if needed). */
    public CompletableFuture<Void> send(Message message) {
        // An id lets a restarted receiver recognise, in its archive, a message it had already processed.
        Message withId = message.getStanzaId() == null
                ? message.asBuilder(StandardStanzaIdSource.DEFAULT.getNewStanzaId()).build() : message;
        return omemo.route(withId, () -> submit(withId));
    }

    /** Sends a directed presence encrypted (broadcast presence is not carried: the future fails). */
    public CompletableFuture<Void> send(Presence presence) {
        return submit(presence);
    }

    private CompletableFuture<Void> submit(Stanza stanza) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        revocations.beforeSend(stanza.getTo(), () -> worker.execute(() -> driver.send(stanza, sent)));
        return sent;
    }

    /**
     * Starts a new online handshake with {@code resource} now, the known-peer handshake (two stanzas) when its device
     * was met before; the new session replaces the one with that device and {@link SecurityEvent.SessionEstablished}
     * reports it. Sessions heal by themselves; this is for a user who wants fresh keys at once.
     */
    public void renewSession(EntityFullJid resource) {
        Objects.requireNonNull(resource, "resource");
        worker.execute(() -> driver.renew(resource));
    }

    /**
     * Sets the password agreed with a contact (optional; null clears it). Handshakes with that contact then also
     * run CPace (docs/protocol.md 4.12): the contact must use the same password, an attacker gets one online guess
     * per handshake and nothing to test offline, and a mismatch fails the waiting stanzas with
     * {@code PASSWORD_MISMATCH} without a retry. Sotto keeps the password in memory only.
     */
    public void setContactPassword(BareJid contact, char[] password) {
        Objects.requireNonNull(contact, "contact");
        byte[] utf8 = null;
        if (password != null) {
            java.nio.ByteBuffer encoded = java.nio.charset.StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
            utf8 = new byte[encoded.remaining()];
            encoded.get(utf8);
        }
        byte[] value = utf8;
        worker.execute(() -> driver.setPassword(contact, value));
    }

    /**
     * Sends an iq request encrypted; the future yields the decrypted answer (a result, or an error iq) from the JID
     * and device it was sent to, and nobody else ({@link SecurityEvent.IqAnswerIgnored}). The request gets a new
     * random stanza id.
     */
    public CompletableFuture<IQ> sendIq(IQ request) {
        if (request.getType() != IQ.Type.get && request.getType() != IQ.Type.set) {
            throw new IllegalArgumentException("sendIq takes a get or set request");
        }
        // Smack's ids are a prefix and a counter: a guessable id lets anyone aim an answer at the request in advance.
        request.setStanzaId(PendingIqs.newId(account.random()));
        CompletableFuture<IQ> answer = new CompletableFuture<>();
        worker.execute(() -> driver.send(request, answer));
        return answer;
    }

    /**
     * Makes sure peers can reach this device: completes at once when the login's check found the server serving this
     * bundle, else reads it back and publishes only if the server's copy differs; the future fails with the
     * {@link im.sotto.xmpp.pep.PepException} diagnosis when the server cannot do it.
     */
    public CompletableFuture<Void> ensurePublished() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        worker.execute(() -> driver.bundles().ensurePublished(done));
        return done;
    }

    /**
     * Publishes this device's bundle and device list now, unconditionally (every login checks the server's copy and
     * publishes when it differs); the future fails with the {@link im.sotto.xmpp.pep.PepException} diagnosis when
     * the server cannot do it.
     */
    public CompletableFuture<Void> republish() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        worker.execute(() -> catchUp.whenPositionKnown(() -> driver.bundles().republish(done)));
        return done;
    }

    /**
     * Accepts the new account key {@code peer} presented ({@link SecurityEvent.KeyChanged}): it is pinned, unverified,
     * the sessions under the old key are dropped, and the stanzas held for the decision go out in a new session.
     * Returns false if no key change was pending.
     */
    public boolean acceptNewKey(BareJid peer) {
        return decide(peer, trust::acceptNewKey);
    }

    /**
     * Records that the user compared {@code peer}'s SAS (or fingerprint) and it matched the pinned account key: the
     * contact becomes {@link TrustLevel#VERIFIED}, the devices awaiting approval are approved (verifying the account
     * covers every device its key certified), a distrust is lifted, and held stanzas go out. False if no key is pinned.
     */
    public boolean markVerified(BareJid peer) {
        return decide(peer, p -> trust.compared(p, true));
    }

    /**
     * Records that the compared SAS did NOT match: evidence of someone in the middle, so the contact is
     * {@link TrustLevel#DISTRUSTED} until a later comparison matches. False if no key is pinned.
     */
    public boolean markSasMismatch(BareJid peer) {
        return decide(peer, p -> trust.compared(p, false));
    }

    /** Distrusts {@code peer}: nothing is sent to it (stanzas are held) until it is verified again. */
    public boolean distrust(BareJid peer) {
        return decide(peer, trust::distrust);
    }

    /**
     * Approves a device of a verified contact that awaits approval ({@link SecurityEvent.DeviceNeedsApproval}); the
     * stanzas held for it go out. False if that device is not awaiting approval.
     */
    public boolean approveDevice(BareJid peer, long deviceId) {
        return decide(peer, p -> trust.approveDevice(p, deviceId));
    }

    /**
     * The trust level of {@code peer}'s pinned account key; empty when no key is pinned yet (no contact, or only our
     * own offline first message, unanswered: an unauthenticated first contact).
     */
    public Optional<TrustLevel> trustLevel(BareJid peer) {
        return contact(peer).map(ContactStatus::level);
    }

    /** Everything decided about {@code peer}; empty when no key is pinned yet. */
    public Optional<ContactStatus> contact(BareJid peer) {
        return onWorker(() -> trust.contact(peer));
    }

    /** One trust decision on the worker, in one transaction; what was held for it is released if it changed. */
    private boolean decide(BareJid peer, Predicate<BareJid> decision) {
        Objects.requireNonNull(peer, "peer");
        return onWorker(() -> decision.test(peer));
    }

    private <T> T onWorker(java.util.concurrent.Callable<T> work) {
        try {
            return worker.submit(work).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Sotto's worker failed: " + e.getMessage(), e);
        }
    }
}
