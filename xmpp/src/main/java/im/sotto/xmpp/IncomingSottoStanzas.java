package im.sotto.xmpp;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import im.sotto.protocol.session.HandshakeFailure;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * The driver's receive path: a stanza with Sotto elements, live or fetched again from the archive. Its handshake
 * steps are answered, the liveness of an answered handshake is checked, its ratchet and first-message elements are
 * opened ({@link SessionReceiver}), and what that means is acted on: a confirmation owed or received, a heal after
 * an undecryptable stanza, an iq answer matched to its request, the stanza handed to the application. Every method
 * runs on the manager's single worker thread.
 */
final class IncomingSottoStanzas {
    private final XMPPConnection connection;
    private final ScheduledExecutorService worker;
    private final Consumer<SecurityEvent> events;
    private final Consumer<DecryptedStanza> stanzas;
    private final SessionReceiver receiver;
    private final OnlineHandshakes handshakes;
    private final SessionCrypto crypto;
    private final MucGuard muc;
    private final ContactCheck contacts;
    private final ContactWait contactWait;
    private final PendingIqs pendingIqs;
    private final ResourceDevices devices;
    private final BundleMaintenance bundles;
    private final SessionEstablishment sessions;
    /** The driver's: sends what waits for a peer if it can go now, and says whether it did. */
    private final Predicate<BareJid> flushedIfReady;

    IncomingSottoStanzas(XMPPConnection connection, ScheduledExecutorService worker, Consumer<SecurityEvent> events,
            Consumer<DecryptedStanza> stanzas, SessionReceiver receiver, OnlineHandshakes handshakes,
            SessionCrypto crypto, MucGuard muc, ContactCheck contacts, ContactWait contactWait, PendingIqs pendingIqs,
            ResourceDevices devices, BundleMaintenance bundles, SessionEstablishment sessions,
            Predicate<BareJid> flushedIfReady) {
        this.connection = connection;
        this.worker = worker;
        this.events = events;
        this.stanzas = stanzas;
        this.receiver = receiver;
        this.handshakes = handshakes;
        this.crypto = crypto;
        this.muc = muc;
        this.contacts = contacts;
        this.contactWait = contactWait;
        this.pendingIqs = pendingIqs;
        this.devices = devices;
        this.bundles = bundles;
        this.sessions = sessions;
        this.flushedIfReady = flushedIfReady;
    }

    private EntityFullJid self() {
        return connection.getUser();
    }

    /** Whether {@code stanza} may be the first ratchet message of a handshake this device answered (never held). */
    boolean confirmsAnsweredHandshake(Stanza stanza) {
        return stanza.getFrom() != null && handshakes.awaitingLiveness(stanza.getFrom().asBareJid()).isPresent();
    }

    /** The roster is loaded (or failed to load): what waited for it is decided now. */
    void rosterLoaded() {
        ContactWait.Waiting waiting = contactWait.takeAll();
        waiting.openings().forEach(outer -> receive(outer, true));
        waiting.heals().forEach(sessions::heal);
    }

    /**
     * Handles one stanza; returns the decrypted stanza, if any, for iq requests. {@code withHandshakeSteps} is false
     * for a stanza fetched again from the archive: a handshake step it carries was either processed when it arrived
     * or died with the process, and replaying it now would only answer a handshake long over.
     */
    Optional<DecryptedStanza> receive(Stanza received, boolean withHandshakeSteps) {
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
        Optional<RefusalReason> refused = muc.refusal(outer, from);
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
            undecryptable(outer, peer, from, failed, answer, !withHandshakeSteps);
            return Optional.empty();
        }
        SessionReceiver.Opened opened = (SessionReceiver.Opened) result;
        if (opened.deviceId() != 0) {
            devices.learned(from, opened.deviceId());
        }
        opened.losses().forEach(events);
        sessions.opened(peer, opened);
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
        boolean confirm = sessions.takeOwedConfirmation(peer) && opened.currentSession() && opened.deviceId() != 0
                && from.isEntityFullJid();
        if (confirm) {
            // Before any content (which a hold may keep back): the initiator sends nothing until it sees this.
            Wire.sendQuietly(connection, Wire.setupMessage(from, crypto.heartbeat(self(), peer,
                    opened.deviceId())));
        }
        if (!flushedIfReady.test(peer) && opened.replyDue() && !confirm && from.isEntityFullJid()) {
            // A one-way stream: the acknowledgements and a fresh ratchet key the sender waits for (it keeps what it
            // sent unacknowledged, and a stolen receiving state reads on until we step). Not stored by the server.
            Wire.sendQuietly(connection, Wire.setupMessage(from, crypto.heartbeat(self(), peer,
                    opened.deviceId())));
        }
        return opened.stanza().isEmpty() ? Optional.empty() : delivered(outer, peer, from, opened.stanza().get(),
                answer);
    }

    /** A stanza that did not open: reported (unless it was for another of our devices), and a broken session healed. */
    private void undecryptable(Stanza outer, BareJid peer, Jid from, SessionReceiver.Failed failed, boolean answer,
            boolean readAgain) {
        if (OwnDevices.forAnotherDevice(outer, self(), readAgain, failed.reason())) {
            return;
        }
        if (failed.reason() != UndecryptableReason.DUPLICATE && !receiver.firstReport(peer, outer)) {
            return;   // reported (and healed, if it called for that) when first read: read again from the archive
        }
        failed.keyChange().ifPresent(sessions::keyChanged);
        events.accept(new SecurityEvent.UndecryptableStanza(peer, from, outer.getStanzaId(), failed.reason(),
                failed.detail()));
        if (answer) {
            // Whoever sent it, the request keeps waiting for its addressee's answer (or its timeout).
            events.accept(new SecurityEvent.IqAnswerIgnored(peer, from, outer.getStanzaId(),
                    IqAnswerProblem.UNDECRYPTABLE));
        }
        if (failed.reason() == UndecryptableReason.NO_SESSION
                || failed.reason() == UndecryptableReason.BROKEN_SESSION) {
            sessions.heal(peer, from);
        }
    }

    /**
     * Where an opened stanza goes: an iq answer to its request, an iq request back to the caller (answered off the
     * worker), anything else to the application, except our own devices' setup messages.
     */
    private Optional<DecryptedStanza> delivered(Stanza outer, BareJid peer, Jid from, DecryptedStanza decrypted,
            boolean answer) {
        if (answer) {
            pendingIqs.answered(outer, decrypted).ifPresent(problem -> events.accept(
                    new SecurityEvent.IqAnswerIgnored(peer, from, outer.getStanzaId(), problem)));
            return Optional.empty();
        }
        if (decrypted.stanza() instanceof IQ iq && (iq.getType() == IQ.Type.get || iq.getType() == IQ.Type.set)) {
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
            sessions.established(peer, from, done.session(), done.reply());
        } else if (step instanceof OnlineHandshakes.Reply reply) {
            Wire.sendQuietly(connection, Wire.handshakeMessage(from, reply.message()));
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
                    RefusalReason.STRANGER_NOT_REVEALED, detail));
            return;
        }
        if (failed.failure().aboutPassword()) {
            // A wrong password is not retried: every attempt would be one more online guess for whoever answers.
            sessions.failedOnPassword(peer, "handshake with " + from + ": " + failed.describe());
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
        byte[] ad = Wire.associatedData(from, outer.getTo().asBareJid(), Wire.kindAndType(outer));
        handshakes.confirmLiveness(peer, ratchet, ad).ifPresent(done -> sessions.established(peer, from, done,
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
        }, sessions.handshakeTimeout.toMillis() * SessionEstablishment.MAX_HANDSHAKE_ATTEMPTS, TimeUnit.MILLISECONDS));
    }
}
