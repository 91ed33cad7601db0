package im.sotto.xmpp;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import im.sotto.protocol.session.RevealPolicy;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SendQueue.Pending;
import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.envelope.EnvelopeException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * The manager's worker-side logic for sending: the queue of stanzas waiting for a session, sent once one can carry
 * them, or held while a trust decision stands. Sessions are made by {@link SessionEstablishment} (online handshake or
 * offline first messages, retries, confirmation, healing), incoming stanzas handled by {@link IncomingSottoStanzas};
 * the driver wires the three together. Every method runs on the single worker thread, so no state here needs a lock.
 */
final class SessionDriver {
    private final SottoAccount account;
    private final XMPPConnection connection;
    private final SessionCrypto crypto;
    private final OnlineHandshakes handshakes;
    private final MucGuard muc;
    private final BundleMaintenance bundles;
    private final ScheduledExecutorService worker;
    private final Consumer<SecurityEvent> events;
    private final SendQueue queue;
    private final UnconfirmedOutbox outbox;
    private final PendingIqs pendingIqs = new PendingIqs();
    private final ResourceDevices knownDevices = new ResourceDevices();
    private final OfflineStart offline;
    private final OwnDevices own;
    private final SessionEstablishment sessions;
    private final IncomingSottoStanzas incoming;

    SessionDriver(SottoAccount account, XMPPConnection connection, ScheduledExecutorService worker,
            Consumer<SecurityEvent> events, Consumer<DecryptedStanza> stanzas) {
        EnvelopeCodec codec = new EnvelopeCodec(account.clock());
        SessionCrypto[] made = {null};
        Consumer<SecurityEvent> reported = events;
        // A new or replaced session may owe what its predecessor's peer never acknowledged (protocol.md 7.3).
        events = event -> {
            if (made[0] != null && event instanceof SecurityEvent.SessionEstablished e) {
                made[0].owed.mayOwe(e.peer());
            } else if (made[0] != null && event instanceof SecurityEvent.SessionHealed h) {
                made[0].owed.mayOwe(h.peer());
            }
            reported.accept(event);
        };
        this.account = account;
        this.connection = connection;
        this.crypto = new SessionCrypto(account, codec, events);
        made[0] = crypto;
        ContactCheck contacts = new ContactCheck(account, connection);
        ContactWait contactWait = new ContactWait();
        this.muc = new MucGuard(connection);
        this.handshakes = new OnlineHandshakes(account, events, contacts::isContact);
        PeerDirectory directory = new PeerDirectory(connection);
        this.bundles = new BundleMaintenance(account, connection, directory, events);
        this.worker = worker;
        this.events = events;
        this.queue = new SendQueue(account, events);
        crypto.queuedAt = queue::sentAt;
        this.outbox = new UnconfirmedOutbox(account, connection, worker, events);
        this.offline = new OfflineStart(account, connection, crypto, queue, outbox, worker, events,
                new BundleFetcher(directory, "sotto-bundles-" + account.device().deviceId()), this::transmit,
                this::flush);
        this.own = new OwnDevices(account, connection, crypto);
        this.sessions = new SessionEstablishment(account, connection, worker, events, handshakes, crypto, directory,
                contacts, contactWait, queue, knownDevices, offline, this::release);
        this.incoming = new IncomingSottoStanzas(connection, worker, events, stanzas,
                new SessionReceiver(account, codec), handshakes, crypto, muc, contacts, contactWait, pendingIqs,
                knownDevices, bundles, sessions, this::flushIfReady);
        // Registered last: the callback reaches the receive path, which must exist by then.
        contacts.whenRosterLoaded(() -> {
            try {
                worker.execute(incoming::rosterLoaded);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // The manager was disabled: nothing waits any more.
            }
        });
    }

    OwnDevices own() {
        return own;
    }

    DeviceDiscovery discovery() {
        return crypto.discovery;
    }

    /** Before the worker stops: waits briefly for the server's acknowledgements, stops listening for them. */
    void close() {
        outbox.close();
        offline.close();
    }

    BundleMaintenance bundles() {
        return bundles;
    }

    void onSealed(Consumer<SealedMessage> watcher) {
        crypto.sealedWatchers.add(watcher);
    }

    void revealPolicy(RevealPolicy policy) {
        handshakes.revealPolicy = policy;
    }

    /** How long one online handshake attempt may take before it is retried (then doubled per retry). */
    void handshakeTimeout(Duration timeout) {
        sessions.handshakeTimeout = timeout;
    }

    void setPassword(BareJid peer, byte[] password) {
        handshakes.setPassword(peer, password);
    }

    /** A new online handshake with {@code target} now; its session replaces the one with that device. */
    void renew(Jid target) {
        sessions.renew(target);
    }

    private EntityFullJid self() {
        return connection.getUser();
    }

    // ----- sending -----

    /** What {@link #send} decided in one transaction: sent now, or queued (durable id). */
    private static final long SEND_NOW = -1;

    void send(Stanza inner, CompletableFuture<?> sent) {
        BareJid peer = inner.getTo() == null ? null : inner.getTo().asBareJid();
        if (peer == null) {
            queue.fail(null, new Pending(inner, sent, 0), SendFailure.UNSUPPORTED_STANZA, "the stanza has no recipient");
            return;
        }
        Optional<RefusalReason> refused = muc.refusal(inner, inner.getTo());
        if (refused.isPresent()) {
            queue.fail(peer, new Pending(inner, sent, 0), refused.get() == RefusalReason.GROUPCHAT
                    ? SendFailure.GROUPCHAT : SendFailure.MUC_OCCUPANT, "Sotto makes no session with a multi-user "
                    + "chat (" + inner.getTo() + "): " + refused.get());
            return;
        }
        Optional<Long> target = knownDevices.of(inner.getTo());
        if (!sessions.awaitingConfirmation(peer) && !crypto.owed.mayStillOwe(peer)
                && sendIfClear(peer, new Pending(inner, sent, 0), target)) {
            return;
        }
        TrustRecords.Hold[] hold = {null};
        long decision = account.store().transact(s -> {
            hold[0] = TrustRecords.hold(s, CoreJid.of(peer), target, account.clock()).orElse(null);
            return hold[0] == null && !sessions.awaitingConfirmation(peer) && crypto.canSend(s, peer) ? SEND_NOW
                    : SendQueue.persist(s, peer, inner,
                    account.clock().instant());
        });
        if (hold[0] != null) {
            queue.add(peer, new Pending(inner, sent, decision));
            queue.holdAll(peer, SendFailure.of(hold[0].reason()), hold[0].detail());
        } else if (decision == SEND_NOW) {
            resendOwed(peer);   // what a replaced session lost goes ahead of this newer message
            sendWithSessions(peer, new Pending(inner, sent, 0));
        } else {
            queue.add(peer, new Pending(inner, sent, decision));
            sessions.establish(peer, inner.getTo());
        }
    }

    /**
     * The common case of {@link #send} in one store transaction: no trust hold and a session that carries content,
     * so the stanza is sealed and sent; false, having changed nothing, when that is not so.
     */
    private boolean sendIfClear(BareJid peer, Pending pending, Optional<Long> target) {
        try {
            Optional<SessionCrypto.Sealed> outer = crypto.encryptIfClear(pending.stanza(), self(), target,
                    outbox.keepNow(pending.stanza()));
            if (outer.isEmpty()) {
                return false;
            }
            transmit(outer.get().outer(), outer.get().keptId(), outer.get().devices(), pending);
        } catch (EnvelopeException e) {
            queue.fail(peer, pending, SendFailure.UNSUPPORTED_STANZA, e.getMessage());
        }
        return true;
    }

    /**
     * After a user's trust decision about {@code peer}, or when one of its resources comes online: what waited for it
     * goes out, or its session is started (nothing happens while nothing waits, a handshake runs, or a hold stands).
     */
    void release(BareJid peer) {
        crypto.owed.mayOwe(peer);   // called when a session was made: it may have replaced one
        if (!queue.has(peer) && !sessions.running(peer) && usable(peer)) {
            resendOwed(peer);   // a new session (say, one this side answered) owes what its predecessor lost
        }
        if (!queue.has(peer) || sessions.running(peer) || queue.held(peer, Optional.empty())) {
            return;
        }
        if (usable(peer)) {
            flush(peer);
        } else {
            queue.peek(peer).ifPresent(first -> sessions.establish(peer, first.stanza().getTo()));
        }
    }

    /** Whether content can go to {@code peer} now: a session trust allows, and none only this side may hold. */
    private boolean usable(BareJid peer) {
        return !sessions.awaitingConfirmation(peer) && crypto.canSend(peer);
    }

    void keepFailed(boolean keep) {
        queue.keepFailed = keep;
    }

    /** After a login: stanzas an earlier run (or connection) left waiting are sent, or their sessions started. */
    void redrive() {
        outbox.afterLogin();   // encrypted before anything still waiting: kept copies go out first, in order
        // The replay cache now holds an entry per message received (DeliveredOnce), for 30 days: its bound holds
        // only if what expired goes. Nothing purged it before; one statement per login.
        account.store().transact(s -> s.replayCache().purgeExpired(account.clock().instant()));
        queue.restore();
        for (BareJid peer : crypto.owed.peersOwing()) {
            // An earlier run replaced a session and died before sending again what it lost (protocol.md 7.3).
            if (!queue.has(peer) && !sessions.running(peer) && usable(peer)) {
                resendOwed(peer);
            }
        }
        for (BareJid peer : queue.peers()) {
            if (sessions.running(peer) || queue.held(peer, Optional.empty())) {
                continue;
            }
            if (usable(peer)) {
                flush(peer);
            } else {
                queue.peek(peer).ifPresent(first -> sessions.establish(peer, first.stanza().getTo()));
            }
        }
    }

    private void sendWithSessions(BareJid peer, Pending pending) {
        Optional<TrustRecords.Hold> hold = queue.holdFor(peer, knownDevices.of(pending.stanza().getTo()));
        if (hold.isPresent()) {
            queue.add(peer, pending);
            queue.holdAll(peer, SendFailure.of(hold.get().reason()), hold.get().detail());
            return;
        }
        try {
            Optional<SessionCrypto.Sealed> outer = crypto.encryptForSessions(pending.stanza(), self(),
                    knownDevices.of(pending.stanza().getTo()), pending.durableId(), Optional.empty(),
                    outbox.keepNow(pending.stanza()));
            if (outer.isEmpty()) {
                queue.putBack(peer, pending);
                sessions.establish(peer, pending.stanza().getTo());
                return;
            }
            transmit(outer.get().outer(), outer.get().keptId(), outer.get().devices(), pending);
        } catch (EnvelopeException e) {
            queue.fail(peer, pending, SendFailure.UNSUPPORTED_STANZA, e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    void transmit(Stanza outer, long keptId, java.util.Collection<Long> devices, Pending pending) {
        try {
            if (pending.stanza() instanceof IQ && isRequest((IQ) pending.stanza())) {
                CompletableFuture<IQ> answer = (CompletableFuture<IQ>) pending.sent();
                String id = outer.getStanzaId();
                pendingIqs.expect(id, outer.getTo(), Set.copyOf(devices), answer);
                worker.schedule(() -> {
                    if (pendingIqs.expire(id)) {
                        answer.completeExceptionally(new java.util.concurrent.TimeoutException(
                                "no answer to iq " + id + " within " + connection.getReplyTimeout() + " ms"));
                    }
                }, connection.getReplyTimeout(), TimeUnit.MILLISECONDS);
                connection.sendStanza(outer);
            } else if (outbox.send(outer, keptId)) {
                pending.sent().complete(null);
            } else {
                String detail = "not connected; kept encrypted, sent after the next login";
                events.accept(new SecurityEvent.SendFailed(outer.getTo().asBareJid(), SessionCrypto.idOf(outer),
                        SendFailure.CONNECTION, detail, true));
                pending.sent().completeExceptionally(new SottoSendException(SendFailure.CONNECTION, detail, true));
            }
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            queue.fail(pending.stanza().getTo().asBareJid(), pending, SendFailure.CONNECTION,
                    "not connected: " + e.getMessage());
        }
    }

    private static boolean isRequest(IQ iq) {
        return iq.getType() == IQ.Type.get || iq.getType() == IQ.Type.set;
    }

    /** The encrypted form of an iq response, for the transport manager to send; empty if no session can carry it. */
    Optional<Stanza> encryptResponse(IQ response) throws EnvelopeException {
        return crypto.encryptForSessions(response, self(), knownDevices.of(response.getTo()), 0);
    }

    void flush(BareJid peer) {
        if (sessions.awaitingConfirmation(peer) || queue.held(peer, Optional.empty())) {
            return;
        }
        resendOwed(peer);   // ahead of anything newer: the peer reads them in the order they were written
        for (Pending pending : queue.takeAll(peer)) {
            sendWithSessions(peer, pending);
        }
    }

    /**
     * After a stanza from {@code peer} opened: what waits for it goes out if no session is being made and one can
     * carry it; false if that is not so (nothing was tried).
     */
    private boolean flushIfReady(BareJid peer) {
        if (queue.has(peer) && !sessions.running(peer) && usable(peer)) {
            flush(peer);
            return true;
        }
        if (crypto.owed.mayStillOwe(peer) && !sessions.running(peer) && !sessions.awaitingConfirmation(peer)
                && !queue.held(peer, Optional.empty())) {
            // The new session's confirmation, say: what a replaced session never had acknowledged goes out now.
            return resendOwed(peer);
        }
        return false;
    }

    /**
     * Sends again, under the sessions that carry content now, what replaced sessions with {@code peer} never had
     * acknowledged (docs/protocol.md 7.3, "Sent again under the new session"); true if anything went out. Nothing is
     * read or sent for a peer whose sessions owe nothing, beyond one store transaction.
     */
    private boolean resendOwed(BareJid peer) {
        if (!crypto.owed.mayStillOwe(peer) || queue.holdFor(peer, Optional.empty()).isPresent()) {
            return false;   // nothing owed, or a trust decision stands: nothing goes out, copies included
        }
        java.util.List<SessionCrypto.Sealed> again = crypto.owed.resendOwed(peer, self(),
                outbox.keepNow(org.jivesoftware.smack.packet.StanzaBuilder.buildMessage().build()));
        for (SessionCrypto.Sealed sealed : again) {
            transmit(sealed.outer(), sealed.keptId(), sealed.devices(), new Pending(sealed.outer(),
                    new CompletableFuture<Void>(), 0));
        }
        return !again.isEmpty();
    }

    // ----- receiving: IncomingSottoStanzas -----

    /** Whether {@code stanza} may be the first ratchet message of a handshake this device answered (never held). */
    boolean confirmsAnsweredHandshake(Stanza stanza) {
        return incoming.confirmsAnsweredHandshake(stanza);
    }

    /** Handles one incoming stanza with Sotto elements; returns the decrypted stanza, if any, for iq requests. */
    Optional<DecryptedStanza> receive(Stanza outer) {
        return incoming.receive(outer, true);
    }

    /**
     * Handles a stanza fetched again from the server's archive: its content only. A handshake step it carries was
     * either processed when it arrived or died with the process (the handshake then times out and starts again);
     * replaying it now would only answer a handshake long over.
     */
    void receiveArchived(Stanza outer) {
        incoming.receive(outer, false);
    }
}
