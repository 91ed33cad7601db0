package im.sotto.xmpp;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import im.sotto.protocol.handshake.HandshakeException;
import im.sotto.protocol.session.HandshakeFailure;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.trust.PeerDecision;
import im.sotto.xmpp.SecurityEvent.SendFailure;
import im.sotto.xmpp.SecurityEvent.UndecryptableReason;
import im.sotto.xmpp.SendQueue.Pending;
import im.sotto.xmpp.element.SottoEncrypted;
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
 * The manager's worker-side logic: the queue of stanzas waiting for a session, session establishment (online
 * handshake or offline first messages) with retries, incoming stanzas, healing. Every method runs on the single
 * worker thread, so no state here needs a lock.
 */
final class SessionDriver {
    /** Handshake attempts before queued stanzas fail: the first try and two retries, with doubling timeouts. */
    static final int MAX_HANDSHAKE_ATTEMPTS = 3;
    /** At most one healing handshake per peer in this period, so a flood of broken stanzas cannot cause a storm. */
    static final Duration HEAL_INTERVAL = Duration.ofSeconds(60);

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final SessionCrypto crypto;
    private final SessionReceiver receiver;
    private final OnlineHandshakes handshakes;
    private final ContactCheck contacts;
    private final MucGuard muc;
    private final PeerDirectory directory;
    private final BundleMaintenance bundles;
    private final ScheduledExecutorService worker;
    private final Consumer<SecurityEvent> events;
    private final Consumer<DecryptedStanza> stanzas;
    private final SendQueue queue;
    private final UnconfirmedOutbox outbox;
    private final Map<BareJid, Establishing> establishing = new HashMap<>();
    private final PendingIqs pendingIqs = new PendingIqs();
    private final Map<Jid, Long> deviceAt = new HashMap<>();
    private final Map<BareJid, Instant> lastHeal = new HashMap<>();
    private final Set<BareJid> healing = new HashSet<>();
    /** Peers whose handshake this device finished as responder: its first ratchet message confirms it at once. */
    private final Set<BareJid> confirmationOwed = new HashSet<>();
    /**
     * Peers whose newest session this device finished as initiator, by the device it is with, until that device
     * confirms it: no content goes under it (it may exist on this side only), even after the retries gave up.
     */
    private final Map<BareJid, Long> unconfirmed = new HashMap<>();
    /** The initiator's "session made" event, told once the session is confirmed, i.e. usable. */
    private final Map<BareJid, SecurityEvent> announceOnConfirmation = new HashMap<>();
    private final OfflineStart offline;
    private final OwnDevices own;
    private final ContactWait contactWait = new ContactWait();
    volatile Duration handshakeTimeout = Duration.ofSeconds(10);

    /**
     * A session in the making with {@code target}; {@code awaitingConfirmationFrom} is the device id once this side,
     * the initiator, sent its last step and committed its session, until the responder's first ratchet message proves
     * the responder committed its own (0 while the handshake still runs). Content waits until then: a responder that
     * died before storing the session would otherwise lose every message sent under it (issue #23).
     */
    private record Establishing(Jid target, int attempt, long awaitingConfirmationFrom) {
        boolean confirming() {
            return awaitingConfirmationFrom != 0;
        }
    }

    SessionDriver(SottoAccount account, XMPPConnection connection, ScheduledExecutorService worker,
            Consumer<SecurityEvent> events, Consumer<DecryptedStanza> stanzas) {
        EnvelopeCodec codec = new EnvelopeCodec(account.clock());
        this.account = account;
        this.connection = connection;
        this.crypto = new SessionCrypto(account, codec, events);
        this.receiver = new SessionReceiver(account, codec);
        this.contacts = new ContactCheck(account, connection);
        this.muc = new MucGuard(connection);
        this.handshakes = new OnlineHandshakes(account, events, contacts::isContact);
        contacts.whenRosterLoaded(() -> {
            try {
                worker.execute(this::rosterLoaded);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // The manager was disabled: nothing waits any more.
            }
        });
        this.directory = new PeerDirectory(connection);
        this.bundles = new BundleMaintenance(account, connection, directory, events);
        this.worker = worker;
        this.events = events;
        this.stanzas = stanzas;
        this.queue = new SendQueue(account, events);
        crypto.queuedAt = queue::sentAt;
        this.outbox = new UnconfirmedOutbox(account, connection, worker, events);
        this.offline = new OfflineStart(account, connection, crypto, queue, outbox, worker, events,
                new BundleFetcher(directory, "sotto-bundles-" + account.device().deviceId()), this::transmit,
                this::flush);
        this.own = new OwnDevices(account, connection, crypto);
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
        Optional<SecurityEvent.RefusalReason> refused = muc.refusal(inner, inner.getTo());
        if (refused.isPresent()) {
            queue.fail(peer, new Pending(inner, sent, 0), refused.get() == SecurityEvent.RefusalReason.GROUPCHAT
                    ? SendFailure.GROUPCHAT : SendFailure.MUC_OCCUPANT, "Sotto makes no session with a multi-user "
                    + "chat (" + inner.getTo() + "): " + refused.get());
            return;
        }
        Optional<Long> target = Optional.ofNullable(deviceAt.get(inner.getTo()));
        TrustRecords.Hold[] hold = {null};
        long decision = account.store().transact(s -> {
            hold[0] = TrustRecords.hold(s, CoreJid.of(peer), target, account.clock()).orElse(null);
            return hold[0] == null && !unconfirmed.containsKey(peer) && crypto.canSend(s, peer) ? SEND_NOW
                    : SendQueue.persist(s, peer, inner,
                    account.clock().instant());
        });
        if (hold[0] != null) {
            queue.add(peer, new Pending(inner, sent, decision));
            queue.holdAll(peer, SendFailure.of(hold[0].reason()), hold[0].detail());
        } else if (decision == SEND_NOW) {
            sendWithSessions(peer, new Pending(inner, sent, 0));
        } else {
            queue.add(peer, new Pending(inner, sent, decision));
            establish(peer, inner.getTo());
        }
    }

    /**
     * Whether stanzas to {@code peer} (for one device, {@code target}) wait for a user decision; if so, what waits
     * for it is reported as held (once per stanza).
     */
    private boolean held(BareJid peer, Optional<Long> target) {
        Optional<TrustRecords.Hold> hold = holdFor(peer, target);
        hold.ifPresent(h -> queue.holdAll(peer, SendFailure.of(h.reason()), h.detail()));
        return hold.isPresent();
    }

    private Optional<TrustRecords.Hold> holdFor(BareJid peer, Optional<Long> target) {
        return account.store().transact(s -> TrustRecords.hold(s, CoreJid.of(peer), target, account.clock()));
    }

    /**
     * After a user's trust decision about {@code peer}, or when one of its resources comes online: what waited for it
     * goes out, or its session is started (nothing happens while nothing waits, a handshake runs, or a hold stands).
     */
    void release(BareJid peer) {
        if (!queue.has(peer) || establishing.containsKey(peer) || held(peer, Optional.empty())) {
            return;
        }
        if (usable(peer)) {
            flush(peer);
        } else {
            queue.peek(peer).ifPresent(first -> establish(peer, first.stanza().getTo()));
        }
    }

    /** Whether content can go to {@code peer} now: a session trust allows, and none only this side may hold. */
    private boolean usable(BareJid peer) {
        return !unconfirmed.containsKey(peer) && crypto.canSend(peer);
    }

    void keepFailed(boolean keep) {
        queue.keepFailed = keep;
    }

    /** After a login: stanzas an earlier run (or connection) left waiting are sent, or their sessions started. */
    void redrive() {
        outbox.afterLogin();   // encrypted before anything still waiting: kept copies go out first, in order
        queue.restore();
        for (BareJid peer : queue.peers()) {
            if (establishing.containsKey(peer) || held(peer, Optional.empty())) {
                continue;
            }
            if (usable(peer)) {
                flush(peer);
            } else {
                queue.peek(peer).ifPresent(first -> establish(peer, first.stanza().getTo()));
            }
        }
    }

    private void sendWithSessions(BareJid peer, Pending pending) {
        Optional<TrustRecords.Hold> hold = holdFor(peer, Optional.ofNullable(deviceAt.get(pending.stanza().getTo())));
        if (hold.isPresent()) {
            queue.add(peer, pending);
            queue.holdAll(peer, SendFailure.of(hold.get().reason()), hold.get().detail());
            return;
        }
        try {
            Optional<SessionCrypto.Sealed> outer = crypto.encryptForSessions(pending.stanza(), self(),
                    Optional.ofNullable(deviceAt.get(pending.stanza().getTo())), pending.durableId(), Optional.empty(),
                    outbox.keepNow(pending.stanza()));
            if (outer.isEmpty()) {
                queue.putBack(peer, pending);
                establish(peer, pending.stanza().getTo());
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
        return crypto.encryptForSessions(response, self(), Optional.ofNullable(deviceAt.get(response.getTo())), 0);
    }

    // ----- establishing sessions -----

    private void establish(BareJid peer, Jid to) {
        if (establishing.containsKey(peer) || offline.fetching(peer) || !connection.isAuthenticated()) {
            return;   // not logged in: the queue is driven again at login (redrive)
        }
        if (held(peer, Optional.ofNullable(deviceAt.get(to)))) {
            return;
        }
        Optional<Jid> online = directory.onlineSottoResource(to);
        boolean known = account.store().transact(s -> TrustRecords.load(s, CoreJid.of(peer), account.clock()).isPresent());
        if (online.isPresent()) {
            startHandshake(peer, online.get(), 1);
            return;
        }
        if (known && to.isEntityFullJid()) {
            events.accept(new SecurityEvent.CapabilityMissing(peer, to + " does not advertise Sotto (stripped?); "
                    + "using the published bundles instead, never plaintext"));
        }
        offline.start(peer, known);
    }

    void setPassword(BareJid peer, byte[] password) {
        handshakes.setPassword(peer, password);
    }

    /** A new online handshake with {@code target} now; its session replaces the one with that device. */
    void renew(Jid target) {
        BareJid peer = target.asBareJid();
        Establishing running = establishing.get(peer);
        // A session still awaiting its confirmation does not stop a renewal: the new one replaces it anyway.
        if (running == null || running.confirming()) {
            startHandshake(peer, target, 1);
        }
    }

    private void startHandshake(BareJid peer, Jid target, int attempt) {
        if (handshakes.responding(target, handshakeTimeout)) {
            // Ours would replace the handshake the peer opened (OnlineHandshakes.responding); its completion
            // flushes the queue, and if it stalls the queue is driven again once it is stale.
            establishing.remove(peer);
            worker.schedule(() -> release(peer), handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        try {
            byte[] first = handshakes.start(target, Optional.ofNullable(deviceAt.get(target)));
            establishing.put(peer, new Establishing(target, attempt, 0));
            connection.sendStanza(Wire.handshakeMessage(target, first));
            long timeout = handshakeTimeout.toMillis() << (attempt - 1);
            worker.schedule(() -> handshakeTimedOut(peer, target, attempt), timeout, TimeUnit.MILLISECONDS);
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            // The stanzas stay queued (and stored): the next login drives them again.
            establishing.remove(peer);
            handshakes.abandon(target);
        } catch (HandshakeException e) {
            establishing.remove(peer);
            queue.failAll(peer, SendFailure.NEGOTIATION_FAILED, "cannot start a handshake: " + e.getMessage());
        }
    }

    private void handshakeTimedOut(BareJid peer, Jid target, int attempt) {
        Establishing current = establishing.get(peer);
        if (current == null || current.attempt != attempt || !current.target.equals(target) || current.confirming()) {
            return;
        }
        if (handshakes.awaitingReveal(target)) {
            // The peer took our identity and kept its own: its reveal policy does not count us as a contact, and
            // asking again changes nothing. Its published bundle still lets us write first (it carries no identity).
            establishing.remove(peer);
            handshakes.abandon(target);
            healing.remove(peer);
            offline.start(peer, contacts.hasTrustRecord(peer));
            return;
        }
        retryOrDefer(peer, target, attempt);
    }

    /** No confirmation of the session this side finished: the responder may not hold it; a new handshake runs. */
    private void confirmationTimedOut(BareJid peer, Jid target, int attempt) {
        Establishing current = establishing.get(peer);
        if (current == null || current.attempt != attempt || !current.target.equals(target) || !current.confirming()) {
            return;
        }
        retryOrDefer(peer, target, attempt);
    }

    private void retryOrDefer(BareJid peer, Jid target, int attempt) {
        if (attempt < MAX_HANDSHAKE_ATTEMPTS) {
            startHandshake(peer, target, attempt + 1);
            return;
        }
        establishing.remove(peer);
        handshakes.abandon(target);
        healing.remove(peer);
        // The handshake may have been deleted on the way: the stanzas stay queued for the next attempt.
        queue.deferAll(peer, SendFailure.NEGOTIATION_FAILED, "no complete handshake with " + target + " after "
                + MAX_HANDSHAKE_ATTEMPTS + " attempts; kept queued");
    }

    void flush(BareJid peer) {
        if (unconfirmed.containsKey(peer) || held(peer, Optional.empty())) {
            return;
        }
        for (Pending pending : queue.takeAll(peer)) {
            sendWithSessions(peer, pending);
        }
    }

    // ----- receiving -----

    /** Whether {@code stanza} may be the first ratchet message of a handshake this device answered (never held). */
    boolean confirmsAnsweredHandshake(Stanza stanza) {
        return stanza.getFrom() != null && handshakes.awaitingLiveness(stanza.getFrom().asBareJid()).isPresent();
    }

    /** Handles one incoming stanza with Sotto elements; returns the decrypted stanza, if any, for iq requests. */
    Optional<DecryptedStanza> receive(Stanza outer) {
        return receive(outer, true);
    }

    /**
     * Handles a stanza fetched again from the server's archive: its content only. A handshake step it carries was
     * either processed when it arrived or died with the process (the handshake then times out and starts again);
     * replaying it now would only answer a handshake long over.
     */
    void receiveArchived(Stanza outer) {
        receive(outer, false);
    }

    private Optional<DecryptedStanza> receive(Stanza received, boolean withHandshakeSteps) {
        Stanza outer = OwnDevices.addressed(received, self());
        Jid from = outer.getFrom();
        if (from == null || outer.getTo() == null) {
            return Optional.empty();
        }
        BareJid peer = from.asBareJid();
        if (from.equals(self())) {
            // Our own stanza echoed back (a note to self, sent to our bare JID): its elements are for our other
            // devices; nothing to open, answer or heal, and nothing wrong to report (issue #18).
            return Optional.empty();
        }
        Optional<SecurityEvent.RefusalReason> refused = muc.refusal(outer, from);
        if (refused.isPresent()) {
            // Before any handshake step, decryption or healing: no session is made, used or repaired for it.
            events.accept(new SecurityEvent.SessionRefused(peer, from, refused.get(),
                    "a Sotto stanza from a multi-user chat: ignored"));
            return Optional.empty();
        }
        List<SottoEncrypted> elements = Wire.elementsOf(outer);
        if (withHandshakeSteps && ContactWait.onlyOpenings(elements) && contacts.standing(peer).isEmpty()) {
            // Contact or stranger is decided once the roster is loaded (ContactWait): answered then.
            contactWait.opening(outer);
            return Optional.empty();
        }
        for (SottoEncrypted element : elements) {
            if (element.kind() == SottoEncrypted.Kind.HANDSHAKE && withHandshakeSteps) {
                handshakeStep(outer, peer, from, element.payload());
            }
        }
        if (handshakes.awaitingLiveness(peer).isPresent()) {
            // Also for a stanza fetched from the archive: the initiator's first ratchet message may arrive that way
            // after this device died between its answer and that message.
            confirmLiveness(outer, peer, from, elements);
        }
        boolean answer = pendingIqs.isAnswer(outer);
        SessionReceiver.Result result = receiver.open(outer, elements);
        if (result instanceof SessionReceiver.Failed failed) {
            if (OwnDevices.forAnotherDevice(outer, self(), !withHandshakeSteps, failed.reason())) {
                return Optional.empty();
            }
            failed.keyChange().ifPresent(this::keyChanged);
            events.accept(new SecurityEvent.UndecryptableStanza(peer, from, outer.getStanzaId(), failed.reason(),
                    failed.detail()));
            if (answer) {
                // Whoever sent it, the request keeps waiting for its addressee's answer (or its timeout).
                events.accept(new SecurityEvent.IqAnswerIgnored(peer, from, outer.getStanzaId(),
                        SecurityEvent.IqAnswerProblem.UNDECRYPTABLE));
            }
            if (failed.reason() == UndecryptableReason.NO_SESSION
                    || failed.reason() == UndecryptableReason.BROKEN_SESSION) {
                heal(peer, from);
            }
            return Optional.empty();
        }
        SessionReceiver.Opened opened = (SessionReceiver.Opened) result;
        if (opened.deviceId() != 0) {
            deviceAt.put(from, opened.deviceId());
        }
        opened.losses().forEach(events);
        Long awaited = unconfirmed.get(peer);
        if (awaited != null && opened.currentSession() && opened.deviceId() == awaited) {
            // The responder holds the session: it is made, and what waited for it goes out below.
            unconfirmed.remove(peer);
            Optional.ofNullable(announceOnConfirmation.remove(peer)).ifPresent(events);
            Establishing waiting = establishing.get(peer);
            if (waiting != null && waiting.confirming()) {
                establishing.remove(peer);
            }
        }
        if (opened.newSession()) {
            events.accept(new SecurityEvent.SessionEstablished(peer, opened.deviceId(),
                    SessionOrigin.OFFLINE_FIRST_MESSAGE, Optional.empty()));
        }
        if (opened.deviceNeedsApproval()) {
            events.accept(new SecurityEvent.DeviceNeedsApproval(peer, opened.deviceId()));
        }
        if (opened.bundleUsed()) {
            worker.execute(bundles::publish);
        }
        boolean confirm = confirmationOwed.remove(peer) && opened.currentSession() && opened.deviceId() != 0
                && from.isEntityFullJid();
        if (confirm) {
            // Before any content (which a hold may keep back): the initiator sends nothing until it sees this.
            sendQuietly(Wire.setupMessage(from, crypto.heartbeat(self().asBareJid(), peer, opened.deviceId())));
        }
        if (queue.has(peer) && !establishing.containsKey(peer) && usable(peer)) {
            flush(peer);
        } else if (opened.replyDue() && !confirm && from.isEntityFullJid()) {
            // A one-way stream: the acknowledgements and a fresh ratchet key the sender waits for (it keeps what it
            // sent unacknowledged, and a stolen receiving state reads on until we step). Not stored by the server.
            sendQuietly(Wire.setupMessage(from, crypto.heartbeat(self().asBareJid(), peer, opened.deviceId())));
        }
        if (opened.stanza().isEmpty()) {
            return Optional.empty();
        }
        DecryptedStanza decrypted = opened.stanza().get();
        if (answer) {
            pendingIqs.answered(outer, decrypted).ifPresent(problem -> events.accept(
                    new SecurityEvent.IqAnswerIgnored(peer, from, outer.getStanzaId(), problem)));
            return Optional.empty();
        }
        if (decrypted.stanza() instanceof IQ iq && isRequest(iq)) {
            return Optional.of(decrypted);
        }
        if (!OwnDevices.isSetup(decrypted, self().asBareJid())) {
            stanzas.accept(OwnDevices.asYours(decrypted, outer, self().asBareJid()));
        }
        return Optional.empty();
    }

    private void handshakeStep(Stanza outer, BareJid peer, Jid from, byte[] payload) {
        OnlineHandshakes.Step step = handshakes.receive(from, self(), payload);
        if (step instanceof OnlineHandshakes.Established done) {
            established(peer, from, done.session(), done.reply());
        } else if (step instanceof OnlineHandshakes.Reply reply) {
            sendQuietly(Wire.handshakeMessage(from, reply.message()));
            expectLiveness(peer, from);
        } else if (step instanceof OnlineHandshakes.Failed failed) {
            handshakeFailed(outer, peer, from, failed);
        }
    }

    /** Reports a refused handshake message; a password failure also ends what waits for the peer. */
    private void handshakeFailed(Stanza outer, BareJid peer, Jid from, OnlineHandshakes.Failed failed) {
        String detail = "handshake: " + failed.describe();
        if (failed.failure() == HandshakeFailure.REJECTED_BY_POLICY) {
            events.accept(new SecurityEvent.SessionRefused(peer, from,
                    SecurityEvent.RefusalReason.STRANGER_NOT_REVEALED, detail));
            return;
        }
        if (failed.failure().aboutPassword()) {
            // A wrong password is not retried: every attempt would be one more online guess for whoever answers.
            establishing.remove(peer);
            queue.failAll(peer, SendFailure.PASSWORD_MISMATCH, "handshake with " + from + ": " + failed.describe());
            events.accept(new SecurityEvent.UndecryptableStanza(peer, from, outer.getStanzaId(),
                    UndecryptableReason.UNTRUSTED_SENDER, detail));
            return;
        }
        UndecryptableReason reason = switch (failed.failure()) {
            case DUPLICATE -> UndecryptableReason.DUPLICATE;
            case RATE_LIMITED -> UndecryptableReason.RATE_LIMITED;
            case STALE -> UndecryptableReason.STALE_HANDSHAKE;
            case MALFORMED, UNSUPPORTED_VERSION -> UndecryptableReason.MALFORMED;
            // Our own account's stanzas (a note to self, our other device) are never called tampering.
            default -> peer.equals(self().asBareJid()) ? UndecryptableReason.OWN_ACCOUNT : UndecryptableReason.TAMPERED;
        };
        events.accept(new SecurityEvent.UndecryptableStanza(peer, from, outer.getStanzaId(), reason, detail));
    }

    /**
     * An IK session this device answered waits for the initiator's first ratchet message (a replayed message 1
     * has none): when this stanza's opens under it, it is committed, and the stanza is then read under it.
     */
    private void confirmLiveness(Stanza outer, BareJid peer, Jid from, List<SottoEncrypted> elements) {
        List<byte[]> ratchet = elements.stream().filter(e -> e.kind() == SottoEncrypted.Kind.RATCHET)
                .map(SottoEncrypted::payload).toList();
        byte[] ad = Wire.associatedData(peer, outer.getTo().asBareJid(), Wire.kindAndType(outer));
        handshakes.confirmLiveness(peer, ratchet, ad).ifPresent(done -> established(peer, from, done,
                Optional.empty()));
    }

    /**
     * After answering an IK message 1: if the initiator has not proven it took part (its first ratchet message,
     * sent right after our answer) within its whole retry budget, the answer is reported. Nothing was committed, so
     * a replayed message 1 changes no session and no trust.
     */
    private void expectLiveness(BareJid peer, Jid from) {
        handshakes.awaitingLiveness(peer).ifPresent(token -> worker.schedule(() -> {
            if (handshakes.stillUnconfirmed(peer, token)) {
                events.accept(new SecurityEvent.HandshakeUnconfirmed(peer, from));
            }
        }, handshakeTimeout.toMillis() * MAX_HANDSHAKE_ATTEMPTS, TimeUnit.MILLISECONDS));
    }

    private void established(BareJid peer, Jid from, OnlineHandshakes.NewSession done, Optional<byte[]> reply) {
        Establishing before = establishing.remove(peer);
        unconfirmed.remove(peer);   // a newer session replaces the one awaiting its confirmation
        announceOnConfirmation.remove(peer);
        if (done.keyChange().isPresent()) {
            keyChanged(done.keyChange().get());
            return;
        }
        if (account.store().transact(s -> DeviceGate.revoked(s, peer, done.deviceId()))) {
            offline.start(peer, true);   // a revoked device answered: the published bundles name the others
            return;
        }
        deviceAt.put(from, done.deviceId());
        done.replacedLoss().ifPresent(events);
        if (OnlineHandshakes.alarming(done.continuity())) {
            events.accept(new SecurityEvent.ContinuityBroken(peer, done.deviceId()));
        }
        SecurityEvent made = healing.remove(peer) ? new SecurityEvent.SessionHealed(peer, done.deviceId())
                : new SecurityEvent.SessionEstablished(peer, done.deviceId(), SessionOrigin.ONLINE_HANDSHAKE, done.sas(),
                        Optional.of(done.continuity()), done.passwordChecked());
        if (done.initiator()) {
            announceOnConfirmation.put(peer, made);   // usable, and so reported, once the responder confirms it
        } else {
            events.accept(made);
        }
        if (done.trust() == PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL) {
            events.accept(new SecurityEvent.DeviceNeedsApproval(peer, done.deviceId()));
        }
        done.certification().ifPresent(events);
        if (!done.initiator()) {
            reply.ifPresent(r -> sendQuietly(Wire.handshakeMessage(from, r)));
            // Confirmed as soon as the initiator's first (empty) ratchet message opens under the session.
            confirmationOwed.add(peer);
            return;
        }
        // The initiator, in every mode: the last handshake step, if any (XX message 3, or the late confirmation of a
        // responder-protected handshake with history, protocol.md 4.11), travels with an empty ratchet message, which
        // lets the responder send at once (the initiator always sends first) - never with content. The responder
        // commits its session only when that arrives (XX) or when the ratchet message opens (IK, after a liveness
        // check), and one that dies first would lose everything sent under it: content waits for its confirmation.
        int attempt = before == null ? 1 : before.attempt();
        establishing.put(peer, new Establishing(from, attempt, done.deviceId()));
        unconfirmed.put(peer, done.deviceId());
        worker.schedule(() -> confirmationTimedOut(peer, from, attempt), handshakeTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        SottoEncrypted heartbeat = crypto.heartbeat(self().asBareJid(), peer, done.deviceId());
        sendQuietly(reply.isPresent() ? Wire.withElement(Wire.handshakeMessage(from, reply.get()), heartbeat)
                : Wire.setupMessage(from, heartbeat));
    }

    private void keyChanged(SecurityEvent.KeyChanged change) {
        events.accept(change);
        queue.holdAll(change.peer(), SendFailure.KEY_CHANGED, change.peer() + " presented a new account key "
                + change.presented().shortForm() + "; accept it before sending");
    }

    private void heal(BareJid peer, Jid from) {
        Instant now = account.clock().instant();
        Instant last = lastHeal.get(peer);
        if (!from.isEntityFullJid() || establishing.containsKey(peer)
                || (last != null && Duration.between(last, now).compareTo(HEAL_INTERVAL) < 0)) {
            return;
        }
        if (handshakes.responding(from, handshakeTimeout)) {
            return;   // the handshake the peer opened gives a session (a heal would replace it)
        }
        Optional<Boolean> contact = contacts.standing(peer);
        if (contact.isEmpty()) {
            contactWait.heal(peer, from); // decided once the roster is loaded
            return;
        }
        if (!contact.get()) {
            // A handshake towards whoever sent junk would tell a stranger that we are online, and our full JID. A
            // contact in the roster without a trust record is healed: that is a peer after our own reinstall.
            events.accept(new SecurityEvent.SessionRefused(peer, from, SecurityEvent.RefusalReason.NO_HEAL_FOR_STRANGER,
                    peer + " is no contact (no trust record, no roster item): no healing handshake"));
            return;
        }
        lastHeal.put(peer, now);
        healing.add(peer);
        startHandshake(peer, from, MAX_HANDSHAKE_ATTEMPTS);
    }

    /** The roster is loaded (or failed to load): what waited for it is decided now. */
    private void rosterLoaded() {
        ContactWait.Waiting waiting = contactWait.takeAll();
        waiting.openings().forEach(this::receive);
        waiting.heals().forEach(this::heal);
    }

    private void sendQuietly(Stanza stanza) {
        try {
            connection.sendStanza(stanza);
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            // A handshake step lost with the connection is retried by the initiator's timeout.
        }
    }
}
