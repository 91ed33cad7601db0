package im.sotto.xmpp;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import im.sotto.protocol.session.HandshakeFailedException;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.trust.PeerDecision;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * The driver's establish path: how a session is made for what waits in the queue (an online handshake with a
 * resource that advertises Sotto, else first messages from the published bundles, {@link OfflineStart}), the
 * initiator's timeouts and retries, its wait for the responder's confirmation, healing a broken session, and what a
 * finished handshake changes. Every method runs on the manager's single worker thread, so no state here needs a lock.
 */
final class SessionEstablishment {
    /** Handshake attempts before queued stanzas fail: the first try and two retries, with doubling timeouts. */
    static final int MAX_HANDSHAKE_ATTEMPTS = 3;
    /** At most one healing handshake per peer in this period, so a flood of broken stanzas cannot cause a storm. */
    static final Duration HEAL_INTERVAL = Duration.ofSeconds(60);

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final ScheduledExecutorService worker;
    private final Consumer<SecurityEvent> events;
    private final OnlineHandshakes handshakes;
    private final SessionCrypto crypto;
    private final PeerDirectory directory;
    private final ContactCheck contacts;
    private final ContactWait contactWait;
    private final SendQueue queue;
    private final ResourceDevices devices;
    private final OfflineStart offline;
    /** The driver's release: drives the queue for a peer again once the handshake the peer opened may have stalled. */
    private final Consumer<BareJid> release;
    private final Map<BareJid, Establishing> establishing = new HashMap<>();
    private final Map<BareJid, Instant> lastHeal = new HashMap<>();
    private final Set<BareJid> healing = new HashSet<>();
    /** Peers whose handshake this device finished as responder: its first ratchet message confirms it at once. */
    private final Set<BareJid> confirmationOwed = new HashSet<>();
    /**
     * Peers whose newest session this device finished as initiator, until the device it is with confirms it: no
     * content goes to the peer meanwhile, even after the retries gave up. The session itself carries none until then
     * ({@code SessionRecord.carriesContent}, read from the store); this mark also holds back what would go to the
     * peer's other devices, so that the new one is not skipped, and is kept in memory only.
     */
    private final Map<BareJid, AwaitedConfirmation> unconfirmed = new HashMap<>();
    volatile Duration handshakeTimeout = Duration.ofSeconds(10);

    /**
     * A session in the making with {@code target}; {@code confirming} once this side, the initiator, sent its last
     * step and committed its session, until the responder's first ratchet message proves the responder committed its
     * own (the device is in {@link #unconfirmed}). Content waits until then: a responder that died before storing the
     * session would otherwise lose every message sent under it (issue #23).
     */
    private record Establishing(Jid target, int attempt, boolean confirming) {
    }

    /** The device whose confirmation the initiator awaits, and its "session made" event, told once it is usable. */
    private record AwaitedConfirmation(long deviceId, SecurityEvent sessionMade) {
    }

    SessionEstablishment(SottoAccount account, XMPPConnection connection, ScheduledExecutorService worker,
            Consumer<SecurityEvent> events, OnlineHandshakes handshakes, SessionCrypto crypto, PeerDirectory directory,
            ContactCheck contacts, ContactWait contactWait, SendQueue queue, ResourceDevices devices,
            OfflineStart offline, Consumer<BareJid> release) {
        this.account = account;
        this.connection = connection;
        this.worker = worker;
        this.events = events;
        this.handshakes = handshakes;
        this.crypto = crypto;
        this.directory = directory;
        this.contacts = contacts;
        this.contactWait = contactWait;
        this.queue = queue;
        this.devices = devices;
        this.offline = offline;
        this.release = release;
    }

    private EntityFullJid self() {
        return connection.getUser();
    }

    /** Whether a session with {@code peer} is being made: a handshake runs, or awaits its confirmation. */
    boolean running(BareJid peer) {
        return establishing.containsKey(peer);
    }

    /** Whether the newest session this side made with {@code peer} as initiator still awaits its confirmation. */
    boolean awaitingConfirmation(BareJid peer) {
        return unconfirmed.containsKey(peer);
    }

    void establish(BareJid peer, Jid to) {
        if (establishing.containsKey(peer) || offline.fetching(peer) || !connection.isAuthenticated()) {
            return;   // not logged in: the queue is driven again at login (redrive)
        }
        if (queue.held(peer, devices.of(to))) {
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
            worker.schedule(() -> release.accept(peer), handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        try {
            byte[] first = handshakes.start(target, devices.of(target));
            establishing.put(peer, new Establishing(target, attempt, false));
            connection.sendStanza(Wire.handshakeMessage(target, first));
            long timeout = handshakeTimeout.toMillis() << (attempt - 1);
            worker.schedule(() -> handshakeTimedOut(peer, target, attempt), timeout, TimeUnit.MILLISECONDS);
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            // The stanzas stay queued (and stored): the next login drives them again.
            establishing.remove(peer);
            handshakes.abandon(target);
        } catch (HandshakeFailedException e) {
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

    /**
     * The handshake with {@code peer} failed on the password: it ends, and so does what waits for the peer. Not
     * retried: every attempt would be one more online guess for whoever answers.
     */
    void failedOnPassword(BareJid peer, String detail) {
        establishing.remove(peer);
        queue.failAll(peer, SendFailure.PASSWORD_MISMATCH, detail);
    }

    /**
     * A stanza from {@code peer} opened: if it opened under the session this side awaits the confirmation of, from
     * that device, the responder holds the session: it is made, and what waited for it may go out.
     */
    void opened(BareJid peer, SessionReceiver.Opened opened) {
        AwaitedConfirmation awaited = unconfirmed.get(peer);
        if (awaited != null && opened.currentSession() && opened.deviceId() == awaited.deviceId()) {
            unconfirmed.remove(peer);
            events.accept(awaited.sessionMade());
            Establishing waiting = establishing.get(peer);
            if (waiting != null && waiting.confirming()) {
                establishing.remove(peer);
            }
        }
    }

    /** Whether this device, as responder, owes {@code peer} its confirmation (asked once: the debt is taken). */
    boolean takeOwedConfirmation(BareJid peer) {
        return confirmationOwed.remove(peer);
    }

    void established(BareJid peer, Jid from, OnlineHandshakes.NewSession done, Optional<byte[]> reply) {
        Establishing before = establishing.remove(peer);
        unconfirmed.remove(peer);   // a newer session replaces the one awaiting its confirmation
        if (done.keyChange().isPresent()) {
            keyChanged(done.keyChange().get());
            return;
        }
        if (account.store().transact(s -> DeviceGate.revoked(s, peer, done.deviceId()))) {
            offline.start(peer, true);   // a revoked device answered: the published bundles name the others
            return;
        }
        devices.learned(from, done.deviceId());
        done.replacedLoss().ifPresent(events);
        if (OnlineHandshakes.alarming(done.continuity())) {
            events.accept(new SecurityEvent.ContinuityBroken(peer, done.deviceId()));
        }
        SecurityEvent made = healing.remove(peer) ? new SecurityEvent.SessionHealed(peer, done.deviceId())
                : new SecurityEvent.SessionEstablished(peer, done.deviceId(), SessionOrigin.ONLINE_HANDSHAKE, done.sas(),
                        Optional.of(done.continuity()), done.passwordChecked());
        if (!done.initiator()) {
            events.accept(made);
        }
        if (done.trust() == PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL) {
            events.accept(new SecurityEvent.DeviceNeedsApproval(peer, done.deviceId()));
        }
        done.certification().ifPresent(events);
        if (!done.initiator()) {
            reply.ifPresent(r -> Wire.sendQuietly(connection, Wire.handshakeMessage(from, r)));
            // Confirmed as soon as the initiator's first (empty) ratchet message opens under the session.
            confirmationOwed.add(peer);
            return;
        }
        // The initiator, in every mode: the last handshake step, if any (XX message 3, or the late confirmation of a
        // responder-protected handshake with history, protocol.md 4.11), travels with an empty ratchet message, which
        // lets the responder send at once (the initiator always sends first) - never with content. The responder
        // commits its session only when that arrives (XX) or when the ratchet message opens (IK, after a liveness
        // check), and one that dies first would lose everything sent under it: content waits for its confirmation,
        // and so does the "session made" event (usable, and so reported, once the responder confirms it).
        int attempt = before == null ? 1 : before.attempt();
        establishing.put(peer, new Establishing(from, attempt, true));
        unconfirmed.put(peer, new AwaitedConfirmation(done.deviceId(), made));
        worker.schedule(() -> confirmationTimedOut(peer, from, attempt), handshakeTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        SottoEncrypted heartbeat = crypto.heartbeat(self(), peer, done.deviceId());
        Wire.sendQuietly(connection, reply.isPresent()
                ? Wire.withElement(Wire.handshakeMessage(from, reply.get()), heartbeat)
                : Wire.setupMessage(from, heartbeat));
    }

    void keyChanged(SecurityEvent.KeyChanged change) {
        events.accept(change);
        queue.holdAll(change.peer(), SendFailure.KEY_CHANGED, change.peer() + " presented a new account key "
                + change.presented().shortForm() + "; accept it before sending");
    }

    void heal(BareJid peer, Jid from) {
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
            events.accept(new SecurityEvent.SessionRefused(peer, from, RefusalReason.NO_HEAL_FOR_STRANGER,
                    peer + " is no contact (no trust record, no roster item): no healing handshake"));
            return;
        }
        lastHeal.put(peer, now);
        healing.add(peer);
        startHandshake(peer, from, MAX_HANDSHAKE_ATTEMPTS);
    }
}
