package im.sotto.xmpp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeException;
import im.sotto.protocol.handshake.HandshakeMessages;
import im.sotto.protocol.handshake.HandshakeMode;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.handshake.UnconfirmedAnswer;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.session.HandshakeFailedException;
import im.sotto.protocol.session.HandshakeFailure;
import im.sotto.protocol.session.HandshakesInFlight;
import im.sotto.protocol.session.KnownPeerAnswers;
import im.sotto.protocol.session.RetainedSecretRecord;
import im.sotto.protocol.session.RevealPolicy;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.trust.PeerDecision;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Online handshakes in flight, one per peer full JID, in memory only (a handshake that outlives its connection is
 * useless: it is simply started again). A finished handshake's session is committed here, after the trust check,
 * in the same transaction. Called only from the manager's worker thread.
 */
final class OnlineHandshakes {
    /**
     * Handshake messages remembered to recognise a replay: every genuine message but a counter-offer carries a fresh
     * ephemeral key, so the same bytes twice are a copy. A few hundred covers every handshake of a session's lifetime on one
     * connection (each is three messages); older ones age out, and a replay then fails the handshake's own checks.
     */
    static final int REMEMBERED_MESSAGES = 512;

    private final SottoAccount account;
    private final HandshakesInFlight<Jid> inFlight = new HandshakesInFlight<>();
    private final HandshakeRateLimit rateLimit = new HandshakeRateLimit();
    private final Set<String> seen = java.util.Collections.newSetFromMap(new LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_MESSAGES;
        }
    });
    /**
     * Known-peer (IK) answers waiting for liveness, kept in the store (docs/protocol.md 4.6): IK message 1 is
     * replayable, so the session, its continuity verdict and any trust change wait until the initiator's first
     * ratchet message opens under the new session; the answer is stored before message 2 goes out, so a restart
     * in between loses nothing the initiator then sends.
     */
    private final KnownPeerAnswers answers;
    private final HandshakeCommit committer;

    /** Passwords agreed with contacts, by bare JID; kept in memory only (the application keeps them if it wants). */
    private final Map<BareJid, byte[]> passwords = new java.util.concurrent.ConcurrentHashMap<>();
    /** Handshakes in flight that run CPace with a password (a completed one proved the same password). */
    private final java.util.Set<Jid> withPassword = new java.util.HashSet<>();
    /** Our handshakes that wait for a responder-protected message 4 ({@link #awaitingReveal}). */
    private final java.util.Set<Jid> awaitingReveal = new java.util.HashSet<>();

    /** Failed password handshakes per contact, and the waits they earn (docs/protocol.md 4.12). */
    final PasswordGuard passwordGuard;
    /** Whether a JID is a contact (for {@link RevealPolicy}); and the policy, which the application may change. */
    private final java.util.function.Predicate<BareJid> isContact;
    volatile RevealPolicy revealPolicy = RevealPolicy.CONTACTS;

    OnlineHandshakes(SottoAccount account, java.util.function.Consumer<SecurityEvent> events,
            java.util.function.Predicate<BareJid> isContact) {
        this.account = account;
        this.passwordGuard = new PasswordGuard(events);
        this.answers = new KnownPeerAnswers(account.store(), account.random(), account.clock());
        this.committer = new HandshakeCommit(account);
        this.isContact = isContact;
    }

    /** This device's policy for a handshake with {@code peer}: the defaults, with the secrets retained for it. */
    private HandshakeConfig.Builder builder(BareJid peer) {
        return HandshakeConfig.builder(account.device())
                .retainedSecrets(RetainedSecretRecord.lookup(account.store(), CoreJid.of(peer), account.clock()))
                .certification(account.externalTrust().attachment().orElse(null));
    }

    /** As a responder: what the reveal policy lets {@code peer} learn (strangers: the protected mode only). */
    private HandshakeConfig responderConfig(BareJid peer) {
        return revealPolicy.configure(builder(peer), isContact.test(peer)).build();
    }

    /**
     * Message 1 to {@code peer}; replaces any handshake in flight with that JID. For a device met before (its
     * certificate is in a session record) it is the known-peer fast path (docs/protocol.md 4.6): two messages; a
     * peer that no longer holds that key answers with a counter-offer and the handshake continues as a full one.
     *
     * @param device the device believed to be at {@code peer}; empty when unknown (then, if the peer account has
     *     exactly one known device, that one is tried)
     */
    byte[] start(Jid peer, Optional<Long> device) throws HandshakeFailedException {
        OnlineInitiator initiator = OnlineInitiator.create(builder(peer.asBareJid()).build(), account.random(),
                account.clock());
        byte[] password = passwords.get(peer.asBareJid());
        withPassword.remove(peer);
        if (password != null) {
            // Whoever answers gets one guess per handshake we start (a server can make us start them): none while
            // the contact's password is in a wait.
            Optional<java.time.Instant> wait = passwordGuard.refusedUntil(peer.asBareJid(), account.clock().instant());
            if (wait.isPresent()) {
                throw new HandshakeFailedException(HandshakeFailure.PASSWORD_BACKOFF, "too many failed password "
                        + "handshakes with " + peer.asBareJid() + "; none before " + wait.get());
            }
            initiator.usePassword(password);
            withPassword.add(peer);
        }
        Optional<DeviceCertificate> known = account.store().transact(stores -> RetainedSecretRecord.knownDevice(stores,
                CoreJid.of(peer.asBareJid()), device, account.certificates()));
        byte[] first;
        try {
            first = known.isPresent() ? initiator.startKnownPeer(known.get()) : initiator.start();
        } catch (HandshakeException e) {
            throw new HandshakeFailedException(HandshakeFailure.of(e.kind()), e.getMessage());
        }
        inFlight.initiating(peer, initiator);
        awaitingReveal.remove(peer);
        return first;
    }

    /** Sets (or, with null, clears) the password agreed with {@code peer}; handshakes then run CPace too. */
    void setPassword(BareJid peer, byte[] password) {
        if (password == null) {
            passwords.remove(peer);
            passwordGuard.forget(peer);
        } else {
            passwords.put(peer, password.clone());
        }
    }

    boolean inFlight(Jid peer) {
        return inFlight.contains(peer);
    }

    /**
     * Whether we answered a handshake {@code peer} opened less than {@code patience} ago and wait for its next
     * message. Starting ours now would replace it ({@link #start}): the peer, which completes on our answer (XX) and
     * stores its session, would be left with a session we never stored, and everything it sends under it unreadable
     * (ClientKillIT: a killed client's own queued message started a handshake while it answered its contact's).
     */
    boolean responding(Jid peer, java.time.Duration patience) {
        return inFlight.answeredSince(peer, account.clock().instant().minus(patience));
    }

    void abandon(Jid peer) {
        inFlight.remove(peer);
        withPassword.remove(peer);
        awaitingReveal.remove(peer);
    }

    /**
     * Whether our handshake with {@code peer} sent message 3 in the responder-protected mode and waits for the
     * responder to reveal itself: a peer whose {@link RevealPolicy} does not count us as a contact never does.
     */
    boolean awaitingReveal(Jid peer) {
        return awaitingReveal.contains(peer);
    }

    /** What one handshake message led to. */
    sealed interface Step {
    }

    /** A handshake message to send back; no session yet (or one that waits for the initiator's liveness). */
    record Reply(byte[] message) implements Step {
    }

    /** A session was established (and committed unless the key changed); {@code reply} is our last message. */
    record Established(NewSession session, Optional<byte[]> reply) implements Step {
    }

    /** Nothing to do: our own handshake with the peer takes precedence over the one it opened at the same time. */
    record Ignored() implements Step {
    }

    /** The message was refused; {@code detail} says why, for the report. */
    record Failed(HandshakeFailure failure, String detail) implements Step {
        /** The report's text, as it always was: the failure's name, then the detail. */
        String describe() {
            return failure + ": " + detail;
        }
    }

    /**
     * The established session (already committed unless the key changed).
     *
     * @param initiator true on the side that must send the first ratchet message
     * @param continuity what the retained-secret check found (docs/protocol.md 4.11)
     * @param passwordChecked whether the handshake ran CPace with the password agreed with the contact (it matched)
     * @param trust what the contact's trust decided about the peer device ({@link PeerDecision.Outcome#ALLOWED}
     *     when stanzas may go to it)
     * @param keyChange the pinned and the presented key when the peer's account key changed (nothing was stored)
     * @param certification what checking the certification the peer attached found (nothing when it attached none)
     * @param replacedLoss our messages in the session this one replaced that the peer never acknowledged
     */
    record NewSession(BareJid peer, long deviceId, boolean initiator, Optional<String> sas, Continuity continuity,
            boolean passwordChecked, PeerDecision.Outcome trust, Optional<SecurityEvent.KeyChanged> keyChange,
            Optional<SecurityEvent> certification, Optional<SecurityEvent> replacedLoss) {
    }

    /**
     * Feeds a handshake message from {@code from}. A message that opens a handshake starts a responder (a peer that
     * restarts simply starts again); any other goes to the handshake in flight with that JID. When both sides
     * started at once, the side with the smaller JID keeps its initiator and ignores the other's message 1.
     */
    Step receive(Jid from, Jid self, byte[] payload) {
        // A counter-offer carries no fresh key: one peer sends the same bytes to every offer it cannot take, so equal
        // bytes are no replay there (and a replayed one finds no initiator waiting for it).
        String digest = HandshakeMessages.isCounterOffer(payload) ? null
                : java.util.HexFormat.of().formatHex(SessionCrypto.sha256(payload));
        if (digest != null && seen.contains(digest)) {
            // Answering a replayed message 1 would start a responder (and spend a key agreement) for nothing.
            return new Failed(HandshakeFailure.DUPLICATE, "this handshake message was already received (a replay)");
        }
        HandshakesInFlight.Party party = inFlight.get(from).orElse(null);
        boolean opening = HandshakeMessages.opensHandshake(payload);
        if (!opening && party != null && HandshakeMessages.sender(payload).filter(party.role()::equals).isPresent()) {
            // What this side itself sends in the handshake in flight: from an earlier one in which the roles were the
            // other way round (this side answered the peer, then started its own). Not tampering, and the handshake in
            // flight goes on (it used to be dropped and the message reported TAMPERED).
            return new Failed(HandshakeFailure.STALE, "a handshake message (type " + HandshakeMessages.typeName(payload)
                    + ") from an earlier handshake, in which this side was the " + (party.role()
                    == HandshakeMessages.Sender.INITIATOR ? "responder" : "initiator"));
        }
        try {
            HandshakeStep step;
            if (opening && !(party instanceof HandshakesInFlight.Responding && HandshakeMessages.isRetry(payload))) {
                if (party instanceof HandshakesInFlight.Initiating && self.toString().compareTo(from.toString()) < 0) {
                    return new Ignored();
                }
                if (!rateLimit.tryAcquire(from.asBareJid(), account.clock().instant())) {
                    // Checked before any key agreement: a flood from one account costs a hash and a map look-up each.
                    return new Failed(HandshakeFailure.RATE_LIMITED, "more than " + HandshakeRateLimit.BURST
                            + " handshakes opened by " + from.asBareJid() + " recently");
                }
                OnlineResponder responder = OnlineResponder.create(responderConfig(from.asBareJid()), account.random(),
                        account.clock());
                byte[] password = passwords.get(from.asBareJid());
                withPassword.remove(from);
                if (password != null) {
                    Optional<java.time.Instant> wait = passwordGuard.refusedUntil(from.asBareJid(),
                            account.clock().instant());
                    if (wait.isPresent()) {
                        // Refused before CPace runs: a guesser waits out each failure (PasswordAttempts).
                        return new Failed(HandshakeFailure.PASSWORD_BACKOFF, "too many failed password handshakes "
                                + "from " + from.asBareJid() + "; none before " + wait.get());
                    }
                    responder.usePassword(password);
                    withPassword.add(from);
                }
                inFlight.responding(from, responder, account.clock().instant());
                step = responder.receive(payload);
                if (password != null && step.message().isPresent()) {
                    // The answer carries our confirmation: the initiator now knows whether its guess was right, and
                    // we will only learn it from message 3. A failure until the handshake completes.
                    passwordGuard.failed(from.asBareJid(), account.clock().instant());
                }
            } else if (party instanceof HandshakesInFlight.Initiating initiating) {
                step = initiating.initiator().receive(payload, new byte[0]);
                if (step.result().isEmpty() && step.message().filter(HandshakeMessages::isInitiatorFinish)
                        .isPresent()) {
                    awaitingReveal.add(from);
                }
            } else if (party instanceof HandshakesInFlight.Responding responding) {
                step = responding.responder().receive(payload);
            } else {
                return new Failed(HandshakeFailure.STALE, "a handshake message (type " + HandshakeMessages.typeName(payload)
                        + ") for no handshake in flight");
            }
            if (digest != null) {
                seen.add(digest);
            }
            if (step.result().isPresent()) {
                inFlight.remove(from);
                HandshakeResult result = step.result().get();
                boolean initiator = party instanceof HandshakesInFlight.Initiating;
                boolean passwordProved = withPassword.remove(from);
                if (!initiator && result.selection().mode() == HandshakeMode.KNOWN_PEER) {
                    // Answered, not committed: message 1 may be a replay (see answers). Stored before message 2 is
                    // sent; its password counts as proved only once the initiator's first ratchet message confirms it.
                    answers.keep(CoreJid.of(from.asBareJid()), UnconfirmedAnswer.of(result, startRatchet(result),
                            passwordProved, account.clock().instant()));
                    return replyOrIgnored(step);
                }
                if (passwordProved) {
                    passwordGuard.succeeded(from.asBareJid());
                }
                RatchetSession session = startRatchet(result);
                NewSession done = account.store().transact(stores -> committer.commit(stores,
                        from.asBareJid(), HandshakeCommit.Facts.of(result), session, initiator, passwordProved));
                answers.forget(CoreJid.of(from.asBareJid())); // the commit superseded any answer to that device
                return new Established(done, step.message());
            }
            return replyOrIgnored(step);
        } catch (HandshakeException e) {
            inFlight.remove(from);
            if (e.kind() == HandshakeException.Kind.PASSWORD_MISMATCH && party instanceof HandshakesInFlight.Initiating
                    && withPassword.contains(from)) {
                // The answer's confirmation did not match our password: a guess spent by whoever answered.
                passwordGuard.failed(from.asBareJid(), account.clock().instant());
            }
            return new Failed(HandshakeFailure.of(e.kind()), e.getMessage());
        }
    }

    /**
     * A token for the newest IK answer to a device of {@code peer} that waits for the initiator's first ratchet
     * message, if any (for {@link #stillUnconfirmed}).
     */
    Optional<Object> awaitingLiveness(BareJid peer) {
        return answers.newest(CoreJid.of(peer));
    }

    /**
     * Continuity verdicts that are an alarm: from a device this side holds history for, anything short of a proof
     * ({@code UNCHECKED} is no longer reported by the core, but a record or peer that still says it is not trusted).
     */
    static boolean alarming(Continuity continuity) {
        return continuity == Continuity.BROKEN || continuity == Continuity.UNCHECKED;
    }

    /**
     * The liveness check of answered IK handshakes with {@code peer}: when one of {@code ratchetPayloads} opens
     * under a copy of an answer's session, the initiator took part, and the session is committed now (trust,
     * continuity and all) in the same transaction that removes the answer, so that the receiver then opens the
     * message under it. Otherwise nothing changes.
     */
    Optional<NewSession> confirmLiveness(BareJid peer, java.util.List<byte[]> ratchetPayloads,
            byte[] associatedData) {
        if (ratchetPayloads.isEmpty() || answers.newest(CoreJid.of(peer)).isEmpty()) {
            return Optional.empty();
        }
        Optional<NewSession> done = account.store().transact(stores -> answers.confirmed(stores, CoreJid.of(peer),
                ratchetPayloads, associatedData).map(answer -> {
                    RatchetSession session;
                    try {
                        session = answer.session(account.random(), account.clock());
                    } catch (RatchetRecordException e) {
                        throw new IllegalStateException("an unconfirmed answer's session cannot be read", e);
                    }
                    return committer.commit(stores, peer, HandshakeCommit.Facts.of(answer), session, false,
                            answer.passwordProved());
                }));
        answers.forget(CoreJid.of(peer));
        done.filter(NewSession::passwordChecked).ifPresent(d -> passwordGuard.succeeded(peer));
        return done;
    }

    /**
     * Whether the answered IK handshake {@code token} names is still unconfirmed (a replayed message 1, or an
     * initiator that went away before its first ratchet message). It stays stored, never used for sending, until it
     * is confirmed, replaced by a newer answer to that device or superseded by a session committed with it: an
     * initiator whose first ratchet message is merely late still gets through.
     */
    boolean stillUnconfirmed(BareJid peer, Object token) {
        return answers.stillUnconfirmed(CoreJid.of(peer), token);
    }

    /** A step of the core's handshake without a result: its message to send, if it has one. */
    private static Step replyOrIgnored(HandshakeStep step) {
        return step.message().<Step>map(Reply::new).orElseGet(Ignored::new);
    }

    private RatchetSession startRatchet(HandshakeResult result) throws HandshakeException {
        try {
            return RatchetSession.start(result.seed().toRatchetInit(), account.random(), account.clock());
        } catch (Exception e) {
            throw new HandshakeException(HandshakeException.Kind.TAMPERED, "the ratchet cannot start: " + e.getMessage());
        } finally {
            result.seed().wipe();
        }
    }
}
