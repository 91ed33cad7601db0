package im.sotto.xmpp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import im.sotto.protocol.handshake.HandshakeException;
import im.sotto.xmpp.SecurityEvent.SendFailure;
import im.sotto.xmpp.SecurityEvent.UndecryptableReason;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.envelope.EnvelopeException;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
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

    /** A stanza waiting for a session; the future completes when it is sent (an iq's when its answer arrives). */
    record Pending(Stanza stanza, CompletableFuture<?> sent) {
    }

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final SessionCrypto crypto;
    private final SessionReceiver receiver;
    private final OnlineHandshakes handshakes;
    private final PeerDirectory directory;
    private final ScheduledExecutorService worker;
    private final Consumer<SecurityEvent> events;
    private final Consumer<DecryptedStanza> stanzas;
    private final Map<BareJid, Deque<Pending>> queue = new HashMap<>();
    private final Map<BareJid, Establishing> establishing = new HashMap<>();
    private final Map<String, CompletableFuture<IQ>> pendingIqs = new HashMap<>();
    private final Map<Jid, Long> deviceAt = new HashMap<>();
    private final Map<BareJid, Instant> lastHeal = new HashMap<>();
    private final Set<BareJid> healing = new HashSet<>();
    volatile Duration handshakeTimeout = Duration.ofSeconds(10);

    private record Establishing(Jid target, int attempt) {
    }

    SessionDriver(SottoAccount account, XMPPConnection connection, ScheduledExecutorService worker,
            Consumer<SecurityEvent> events, Consumer<DecryptedStanza> stanzas) {
        EnvelopeCodec codec = new EnvelopeCodec(account.clock());
        this.account = account;
        this.connection = connection;
        this.crypto = new SessionCrypto(account, codec);
        this.receiver = new SessionReceiver(account, codec);
        this.handshakes = new OnlineHandshakes(account);
        this.directory = new PeerDirectory(connection);
        this.worker = worker;
        this.events = events;
        this.stanzas = stanzas;
    }

    private EntityFullJid self() {
        return connection.getUser();
    }

    // ----- sending -----

    void send(Stanza inner, CompletableFuture<?> sent) {
        BareJid peer = inner.getTo() == null ? null : inner.getTo().asBareJid();
        if (peer == null) {
            fail(null, new Pending(inner, sent), SendFailure.UNSUPPORTED_STANZA, "the stanza has no recipient");
            return;
        }
        if (account.store().transact(s -> PeerTrust.held(s, peer.toString()))) {
            fail(peer, new Pending(inner, sent), SendFailure.KEY_CHANGED,
                    peer + " presented a new account key; accept it before sending");
            return;
        }
        Pending pending = new Pending(inner, sent);
        if (crypto.canSend(peer)) {
            sendWithSessions(peer, pending);
            return;
        }
        queue.computeIfAbsent(peer, p -> new ArrayDeque<>()).add(pending);
        establish(peer, inner.getTo());
    }

    private void sendWithSessions(BareJid peer, Pending pending) {
        try {
            Optional<Stanza> outer = crypto.encryptForSessions(pending.stanza, self(),
                    Optional.ofNullable(deviceAt.get(pending.stanza.getTo())));
            if (outer.isEmpty()) {
                queue.computeIfAbsent(peer, p -> new ArrayDeque<>()).addFirst(pending);
                establish(peer, pending.stanza.getTo());
                return;
            }
            transmit(outer.get(), pending);
        } catch (EnvelopeException e) {
            fail(peer, pending, SendFailure.UNSUPPORTED_STANZA, e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private void transmit(Stanza outer, Pending pending) {
        try {
            if (pending.stanza instanceof IQ && isRequest((IQ) pending.stanza)) {
                CompletableFuture<IQ> answer = (CompletableFuture<IQ>) pending.sent;
                String id = outer.getStanzaId();
                pendingIqs.put(id, answer);
                worker.schedule(() -> {
                    if (pendingIqs.remove(id) != null) {
                        answer.completeExceptionally(new java.util.concurrent.TimeoutException(
                                "no answer to iq " + id + " within " + connection.getReplyTimeout() + " ms"));
                    }
                }, connection.getReplyTimeout(), TimeUnit.MILLISECONDS);
                connection.sendStanza(outer);
            } else {
                connection.sendStanza(outer);
                pending.sent.complete(null);
            }
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            fail(pending.stanza.getTo().asBareJid(), pending, SendFailure.CONNECTION, "not connected: " + e.getMessage());
        }
    }

    private static boolean isRequest(IQ iq) {
        return iq.getType() == IQ.Type.get || iq.getType() == IQ.Type.set;
    }

    /** The encrypted form of an iq response, for the transport manager to send; empty if no session can carry it. */
    Optional<Stanza> encryptResponse(IQ response) throws EnvelopeException {
        return crypto.encryptForSessions(response, self(), Optional.ofNullable(deviceAt.get(response.getTo())));
    }

    // ----- establishing sessions -----

    private void establish(BareJid peer, Jid to) {
        if (establishing.containsKey(peer)) {
            return;
        }
        Optional<Jid> online = directory.onlineSottoResource(to);
        boolean known = account.store().transact(s -> PeerTrust.known(s, peer.toString()));
        if (online.isPresent()) {
            startHandshake(peer, online.get(), 1);
            return;
        }
        if (known && to.isEntityFullJid()) {
            events.accept(new SecurityEvent.CapabilityMissing(peer, to + " does not advertise Sotto (stripped?); "
                    + "using the published bundles instead, never plaintext"));
        }
        startOffline(peer, known);
    }

    private void startHandshake(BareJid peer, Jid target, int attempt) {
        try {
            byte[] first = handshakes.start(target);
            establishing.put(peer, new Establishing(target, attempt));
            connection.sendStanza(Wire.handshakeMessage(target, first));
            long timeout = handshakeTimeout.toMillis() << (attempt - 1);
            worker.schedule(() -> handshakeTimedOut(peer, target, attempt), timeout, TimeUnit.MILLISECONDS);
        } catch (HandshakeException | SmackException.NotConnectedException | InterruptedException e) {
            establishing.remove(peer);
            failQueue(peer, SendFailure.CONNECTION, "cannot start a handshake: " + e.getMessage());
        }
    }

    private void handshakeTimedOut(BareJid peer, Jid target, int attempt) {
        Establishing current = establishing.get(peer);
        if (current == null || current.attempt != attempt || !current.target.equals(target)) {
            return;
        }
        if (attempt < MAX_HANDSHAKE_ATTEMPTS) {
            startHandshake(peer, target, attempt + 1);
            return;
        }
        establishing.remove(peer);
        handshakes.abandon(target);
        healing.remove(peer);
        failQueue(peer, SendFailure.NEGOTIATION_FAILED, "no complete handshake with " + target + " after "
                + MAX_HANDSHAKE_ATTEMPTS + " attempts");
    }

    private void startOffline(BareJid peer, boolean known) {
        Map<Long, byte[]> bundles = new LinkedHashMap<>();
        String why;
        try {
            for (DeviceId device : directory.deviceList(peer)) {
                if (peer.equals(self().asBareJid()) && device.value() == account.device().deviceId()) {
                    continue;
                }
                bundles.put((long) device.value(), directory.bundle(peer, device));
            }
            why = bundles.isEmpty() ? peer + " lists no Sotto device" : null;
        } catch (PepException e) {
            why = peer + " publishes no usable Sotto bundle: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (why != null) {
            if (known) {
                events.accept(new SecurityEvent.CapabilityMissing(peer, why + " (it used Sotto before)"));
            }
            failQueue(peer, SendFailure.PEER_HAS_NO_SOTTO, why);
            return;
        }
        Deque<Pending> waiting = queue.getOrDefault(peer, new ArrayDeque<>());
        Pending first = waiting.poll();
        if (first == null) {
            return;
        }
        try {
            SessionCrypto.FirstMessages sent = crypto.encryptFirstMessages(first.stanza, self(), bundles);
            if (sent.outer() == null) {
                waiting.addFirst(first);
                failQueue(peer, SendFailure.PEER_HAS_NO_SOTTO, "no bundle of " + peer + " is usable: " + sent.skipped());
                return;
            }
            for (long device : sent.devices()) {
                events.accept(new SecurityEvent.SessionEstablished(peer, device, SessionOrigin.OFFLINE_FIRST_MESSAGE,
                        Optional.empty()));
            }
            transmit(sent.outer(), first);
        } catch (EnvelopeException e) {
            fail(peer, first, SendFailure.UNSUPPORTED_STANZA, e.getMessage());
        }
        flush(peer);
    }

    private void flush(BareJid peer) {
        Deque<Pending> waiting = queue.remove(peer);
        if (waiting == null) {
            return;
        }
        for (Pending pending : waiting) {
            sendWithSessions(peer, pending);
        }
    }

    private void failQueue(BareJid peer, SendFailure reason, String detail) {
        Deque<Pending> waiting = queue.remove(peer);
        if (waiting != null) {
            for (Pending pending : waiting) {
                fail(peer, pending, reason, detail);
            }
        }
    }

    private void fail(BareJid peer, Pending pending, SendFailure reason, String detail) {
        events.accept(new SecurityEvent.SendFailed(peer, SessionCrypto.idOf(pending.stanza), reason, detail));
        pending.sent.completeExceptionally(new SottoSendException(reason, detail));
    }

    // ----- receiving -----

    /** Handles one incoming stanza with Sotto elements; returns the decrypted stanza, if any, for iq requests. */
    Optional<DecryptedStanza> receive(Stanza outer) {
        Jid from = outer.getFrom();
        if (from == null || outer.getTo() == null) {
            return Optional.empty();
        }
        BareJid peer = from.asBareJid();
        List<SottoEncrypted> elements = Wire.elementsOf(outer);
        for (SottoEncrypted element : elements) {
            if (element.kind() == SottoEncrypted.Kind.HANDSHAKE) {
                handshakeStep(outer, peer, from, element.payload());
            }
        }
        SessionReceiver.Result result = receiver.open(outer, elements);
        if (result instanceof SessionReceiver.Failed failed) {
            failed.keyChange().ifPresent(this::keyChanged);
            events.accept(new SecurityEvent.UndecryptableStanza(peer, from, outer.getStanzaId(), failed.reason(),
                    failed.detail()));
            if (outer instanceof IQ && !isRequest((IQ) outer)) {
                CompletableFuture<IQ> answer = pendingIqs.remove(outer.getStanzaId());
                if (answer != null) {
                    answer.completeExceptionally(new SottoSendException(SendFailure.CONNECTION,
                            "the answer could not be decrypted: " + failed.reason()));
                }
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
        if (opened.newSession()) {
            events.accept(new SecurityEvent.SessionEstablished(peer, opened.deviceId(),
                    SessionOrigin.OFFLINE_FIRST_MESSAGE, Optional.empty()));
        }
        if (opened.bundleUsed()) {
            worker.execute(this::publish);
        }
        if (queue.containsKey(peer) && !establishing.containsKey(peer) && crypto.canSend(peer)) {
            flush(peer);
        }
        if (opened.stanza().isEmpty()) {
            return Optional.empty();
        }
        DecryptedStanza decrypted = opened.stanza().get();
        if (decrypted.stanza() instanceof IQ iq) {
            if (isRequest(iq)) {
                return Optional.of(decrypted);
            }
            CompletableFuture<IQ> answer = pendingIqs.remove(outer.getStanzaId());
            if (answer != null) {
                answer.complete(iq);
                return Optional.empty();
            }
        }
        stanzas.accept(decrypted);
        return Optional.empty();
    }

    private void handshakeStep(Stanza outer, BareJid peer, Jid from, byte[] payload) {
        OnlineHandshakes.Step step = handshakes.receive(from, self(), payload);
        step.failure().ifPresent(failure -> events.accept(new SecurityEvent.UndecryptableStanza(peer, from,
                outer.getStanzaId(), failure.startsWith("MALFORMED") || failure.startsWith("UNSUPPORTED")
                        ? UndecryptableReason.MALFORMED : UndecryptableReason.TAMPERED, "handshake: " + failure)));
        if (step.established().isEmpty()) {
            step.reply().ifPresent(reply -> sendQuietly(Wire.handshakeMessage(from, reply)));
            return;
        }
        OnlineHandshakes.Established done = step.established().get();
        establishing.remove(peer);
        if (done.keyChange().isPresent()) {
            keyChanged(done.keyChange().get());
            return;
        }
        deviceAt.put(from, done.deviceId());
        events.accept(healing.remove(peer) ? new SecurityEvent.SessionHealed(peer, done.deviceId())
                : new SecurityEvent.SessionEstablished(peer, done.deviceId(), SessionOrigin.ONLINE_HANDSHAKE, done.sas()));
        if (!done.initiator()) {
            step.reply().ifPresent(reply -> sendQuietly(Wire.handshakeMessage(from, reply)));
            return;
        }
        // The last handshake step travels with the first content: the first queued message, or else an empty
        // ratchet message, which lets the responder send at once (the initiator always sends first).
        SottoEncrypted last = new SottoEncrypted(SottoEncrypted.Kind.HANDSHAKE, step.reply().orElseThrow());
        Deque<Pending> waiting = queue.get(peer);
        Pending first = waiting == null ? null : waiting.peek();
        if (first != null && first.stanza instanceof Message) {
            waiting.poll();
            try {
                Optional<Stanza> outerFirst = crypto.encryptForSessions(first.stanza, self(), Optional.of(done.deviceId()));
                transmit(Wire.withElement((Message) outerFirst.orElseThrow(), last), first);
                flush(peer);
                return;
            } catch (EnvelopeException e) {
                fail(peer, first, SendFailure.UNSUPPORTED_STANZA, e.getMessage());
            }
        }
        sendQuietly(Wire.withElement(Wire.handshakeMessage(from, step.reply().get()),
                crypto.heartbeat(self().asBareJid(), peer, done.deviceId())));
        flush(peer);
    }

    private void keyChanged(SecurityEvent.KeyChanged change) {
        events.accept(change);
        failQueue(change.peer(), SendFailure.KEY_CHANGED, change.peer() + " presented a new account key");
    }

    private void heal(BareJid peer, Jid from) {
        Instant now = account.clock().instant();
        Instant last = lastHeal.get(peer);
        if (!from.isEntityFullJid() || establishing.containsKey(peer)
                || (last != null && Duration.between(last, now).compareTo(HEAL_INTERVAL) < 0)) {
            return;
        }
        lastHeal.put(peer, now);
        healing.add(peer);
        startHandshake(peer, from, MAX_HANDSHAKE_ATTEMPTS);
    }

    private void sendQuietly(Stanza stanza) {
        try {
            connection.sendStanza(stanza);
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            // A handshake step lost with the connection is retried by the initiator's timeout.
        }
    }

    // ----- publishing -----

    /** Maintains the prekeys and publishes this device's bundle and device list; a failure becomes an event. */
    void publish() {
        try {
            publishOrThrow();
        } catch (PepException e) {
            events.accept(new SecurityEvent.PublishFailed(self().asBareJid(), e.kind() + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void publishOrThrow() throws PepException, InterruptedException {
        byte[] bundle = account.store().transact(stores -> {
            var vault = SottoAccount.loadVault(stores);
            if (vault.maintain(account.identity(), account.random(), account.clock().instant())) {
                SottoAccount.storeVault(stores, vault);
            }
            return vault.bundle().encode();
        });
        directory.publish(DeviceId.of((int) account.device().deviceId()), bundle);
    }
}
