package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The device that starts an online handshake: the state machine over its messages. Message 1 goes out before the
 * responder has chosen a suite and mode, so the initiator prepares a Noise state per selection it offered
 * ({@link InitiatorCandidates}) and keeps the one the response selects; what every message 1 carries is
 * {@link InitiatorOpening}, what it offers {@link InitiatorOffers}, message 2 as read {@link ResponseMessage}.
 */
public final class OnlineInitiator extends HandshakeParty {
    private enum State { NEW, AWAIT_RESPONSE, AWAIT_RESPONDER_FINISH, AWAIT_CONFIRMATION, COMPLETE, FAILED }

    private State state = State.NEW;
    private Offer firstOffer;
    private boolean retried;
    private boolean knownPeer;
    private final InitiatorCandidates candidates = new InitiatorCandidates();
    private HandshakeState noise;
    private Selection selection;
    private byte[] initiatorNonce;
    private byte[] transcriptAfterResponse;
    private ShortAuthenticationString sas;
    private byte[] unsentApplicationData = new byte[0];
    private final InitiatorKemKey kemKey = new InitiatorKemKey();
    private final InitiatorPassword password = new InitiatorPassword();
    private Optional<RetainedSecrets> heldForPeer = Optional.empty();
    private Continuity continuity;
    /** XX with history for the responder: what completes the session once its late confirmation came. */
    private DeviceCertificate pendingPeer;
    private Keys pendingKeys;
    private byte[] pendingBinding;

    private final Predicate<DeviceCertificate> expectedPeer;

    private OnlineInitiator(HandshakeConfig config, Predicate<DeviceCertificate> expectedPeer, SecureRandom random,
            Clock clock) {
        super(config, random, clock);
        this.expectedPeer = expectedPeer;
    }

    /** A handshake with a peer not known before (trust on first use): any validly certified responder is accepted. */
    public static OnlineInitiator create(HandshakeConfig config, SecureRandom random, Clock clock) {
        return new OnlineInitiator(config, cert -> true, random, clock);
    }

    /**
     * A handshake with an expected peer, typically "a device certified by the account key pinned for this contact".
     * The initiator reveals its own certificate only after the responder's passed this check, so an active attacker
     * posing as the responder learns nothing about who is calling.
     */
    public static OnlineInitiator create(HandshakeConfig config, Predicate<DeviceCertificate> expectedPeer,
            SecureRandom random, Clock clock) {
        return new OnlineInitiator(config, expectedPeer, random, clock);
    }

    /**
     * Message 1 of a full handshake (XX or responder-protected, the responder chooses), offering the suites
     * {@link InitiatorOffers#firstSuites} picks: the hybrid one alone when this device prefers it.
     */
    public byte[] start() throws HandshakeException {
        return start(InitiatorOffers.firstSuites(config.suitesByPreference()));
    }

    /**
     * Message 1 offering only some of this device's suites first (a suite whose first message is large, like a
     * post-quantum one, is worth trying alone). A responder that shares none of them answers with a counter-offer
     * and the handshake is retried with a suite from it, every offer bound into the transcript.
     */
    public byte[] start(Set<CipherSuite> suitesFirst) throws HandshakeException {
        expect(State.NEW);
        if (suitesFirst.isEmpty() || !config.suitesByPreference().containsAll(suitesFirst)) {
            throw new IllegalArgumentException("offer a non-empty subset of the configured suites");
        }
        firstOffer = InitiatorOffers.full(config, suitesFirst, password.isSet());
        InitiatorOpening opening = InitiatorOpening.fresh(firstOffer.suites(), kemKey, password, random);
        byte[] noiseMessage;
        try {
            noiseMessage = prepareCandidates(firstOffer, opening, opening.negotiation(Frame.Type.INIT,
                    firstOffer.encoded()));
        } catch (NoiseException e) {
            throw fail(fromNoise(e));
        }
        state = State.AWAIT_RESPONSE;
        return opening.frame(Frame.Type.INIT, firstOffer.encoded(), noiseMessage);
    }

    /**
     * Message 1 of the known-peer fast path (Noise IK) to a device whose certificate was pinned earlier. If the peer
     * no longer holds that key it answers with a counter-offer and the handshake continues as a full one.
     */
    public byte[] startKnownPeer(DeviceCertificate pinnedPeer) throws HandshakeException {
        expect(State.NEW);
        firstOffer = config.offer();
        try {
            selection = InitiatorOffers.knownPeer(config, pinnedPeer);
        } catch (HandshakeException e) {
            throw fail(e);
        }
        knownPeer = true;
        InitiatorOpening opening = InitiatorOpening.fresh(Set.of(selection.suite()), kemKey, password, random);
        noise = newState(selection, true, opening.negotiation(Frame.Type.KNOWN_PEER_INIT, new byte[0]),
                config.device().deviceKey(), opening.ephemeral(), pinnedPeer.deviceKey());
        heldForPeer = config.retainedSecrets().forDevice(pinnedPeer);
        byte[] noiseMessage;
        try {
            noiseMessage = noise.writeMessage(h -> new Payloads.Identified(config.device().certificate().encoded(),
                    null, null, proofExtension(h, false), new byte[0]).encode());
        } catch (NoiseException e) {
            throw fail(fromNoise(e));
        }
        state = State.AWAIT_RESPONSE;
        return opening.frame(Frame.Type.KNOWN_PEER_INIT, selection.encoded(password.isSet()), noiseMessage);
    }

    public HandshakeStep receive(byte[] message) throws HandshakeException {
        return receive(message, new byte[0]);
    }

    /**
     * Processes the responder's message. {@code applicationData} travels in this side's last handshake message
     * when there is one (the XX mode's message 3); in the other modes the initiator writes no message after it has
     * authenticated the responder, so the data is handed back in {@link HandshakeResult#unsentApplicationData()}
     * for the first ratchet message.
     */
    public HandshakeStep receive(byte[] message, byte[] applicationData) throws HandshakeException {
        if (knownPeer && applicationData.length > 0) {
            unsentApplicationData = applicationData.clone();
        }
        if (state == State.FAILED || state == State.COMPLETE || state == State.NEW) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE, "handshake is " + state);
        }
        try {
            Frame frame = Frame.parse(message);
            if (state == State.AWAIT_RESPONSE && frame.type == Frame.Type.COUNTER_OFFER) {
                return retry(Offer.read(frame.body), frame);
            }
            if (state == State.AWAIT_RESPONSE && frame.type == Frame.Type.RESPONSE) {
                return onResponse(ResponseMessage.read(frame.body, password.isSet()), applicationData);
            }
            if (state == State.AWAIT_RESPONDER_FINISH && frame.type == Frame.Type.RESPONDER_FINISH) {
                return onResponderFinish(frame.body.rest());
            }
            if (state == State.AWAIT_CONFIRMATION && frame.type == Frame.Type.CONTINUITY_CONFIRM) {
                return onConfirmation(frame.body);
            }
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE,
                    frame.type + " while " + state);
        } catch (MalformedInputException e) {
            throw fail(HandshakeException.Kind.MALFORMED, e.getMessage());
        } catch (NoiseException e) {
            throw fail(fromNoise(e));
        } catch (HandshakeException e) {
            throw fail(e);
        }
    }

    private HandshakeStep retry(Offer counterOffer, Frame frame) throws HandshakeException, NoiseException,
            MalformedInputException {
        frame.body.expectEnd();
        if (retried) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE, "second counter-offer");
        }
        Offer newOffer = Offer.retryAfter(config.versions(), EnumSet.copyOf(config.suitesByPreference()),
                firstOffer.modes(), counterOffer);
        retried = true;
        knownPeer = false;
        noise = null;
        if (password.isSet()) {
            newOffer = newOffer.withPassword();
        }
        byte[] offers = new ByteWriter().bytes(firstOffer.encoded()).bytes(counterOffer.encoded())
                .bytes(newOffer.encoded()).toByteArray();
        InitiatorOpening opening = InitiatorOpening.fresh(newOffer.suites(), kemKey, password, random);
        byte[] noiseMessage = prepareCandidates(newOffer, opening, opening.negotiation(Frame.Type.RETRY_INIT, offers));
        return HandshakeStep.send(opening.frame(Frame.Type.RETRY_INIT, offers, noiseMessage));
    }

    /** The Noise states for every selection {@code offer} allows, with this message 1's nonce (drawn now). */
    private byte[] prepareCandidates(Offer offer, InitiatorOpening opening, byte[] negotiation)
            throws NoiseException {
        initiatorNonce = nonce();
        return candidates.prepare(offer, negotiation, config.device().deviceKey(), opening.ephemeral(),
                initiatorNonce);
    }

    private HandshakeStep onResponse(ResponseMessage response, byte[] applicationData)
            throws HandshakeException, NoiseException, MalformedInputException {
        Selection chosen = response.chosen();
        if (knownPeer) {
            if (!chosen.equals(selection)) {
                throw new HandshakeException(HandshakeException.Kind.DOWNGRADE, "response changed the selection");
            }
            password.complete(response.responderShare(), response.confirmation(), noise);
            kemKey.mixInto(noise, selection.suite(), response.kemCiphertext());
            return onKnownPeerResponse(response.noiseMessage());
        }
        if (chosen.version() < ProtocolVersion.MINIMUM_ACCEPTED || !candidates.offered(chosen)) {
            throw new HandshakeException(HandshakeException.Kind.DOWNGRADE,
                    "responder selected " + chosen + ", which was not offered");
        }
        selection = chosen;
        noise = candidates.take(chosen);
        password.complete(response.responderShare(), response.confirmation(), noise);
        kemKey.mixInto(noise, selection.suite(), response.kemCiphertext());
        byte[] payload = noise.readMessage(response.noiseMessage());
        transcriptAfterResponse = noise.handshakeHash();
        if (selection.mode() == HandshakeMode.XX) {
            Payloads.Identified responder = Payloads.Identified.decode(payload, true, true, false);
            DeviceCertificate peer = authenticated(responder);
            sas = ShortAuthenticationString.derive(selection.suite().hash(), transcriptAfterResponse, initiatorNonce,
                    responder.nonce);
            heldForPeer = config.retainedSecrets().forDevice(peer);
            // XX: our proof goes to the responder in message 3, but the pattern brings none back. With history for
            // this device we ask for a late confirmation (4.11) and keep our data for the ratchet until it came.
            boolean request = heldForPeer.isPresent();
            byte[] data = request ? new byte[0] : applicationData;
            if (request) {
                unsentApplicationData = applicationData.clone();
            }
            byte[] finish = noise.writeMessage(h -> new Payloads.Identified(config.device().certificate().encoded(),
                    initiatorNonce, null, proofExtension(h, request), data).encode());
            byte[] frame = Frame.start(Frame.Type.INITIATOR_FINISH).bytes(finish).toByteArray();
            if (request) {
                pendingPeer = peer;
                pendingBinding = noise.handshakeHash();
                pendingKeys = derive(noise, true, responder.ratchetKey, null, null);
                state = State.AWAIT_CONFIRMATION;
                return HandshakeStep.send(frame);
            }
            continuity = withoutMatch(peer, heldForPeer, Continuity.BROKEN);
            return HandshakeStep.sendAndComplete(frame,
                    complete(peer, responder.ratchetKey, new byte[0], null, ContinuityProofs.Evidence.NONE));
        }
        // Responder-protected: it has sent only its nonce; we identify ourselves first. Our data must wait for
        // the ratchet, after the responder has been authenticated.
        unsentApplicationData = applicationData.clone();
        byte[] responderNonce = Payloads.exactly(payload, Payloads.NONCE_LENGTH, "responder nonce");
        sas = ShortAuthenticationString.derive(selection.suite().hash(), transcriptAfterResponse, initiatorNonce,
                responderNonce);
        byte[] finish = noise.writeMessage(new Payloads.Identified(config.device().certificate().encoded(),
                initiatorNonce, null, ownExtensions().encode(), new byte[0]).encode());
        state = State.AWAIT_RESPONDER_FINISH;
        return HandshakeStep.send(Frame.start(Frame.Type.INITIATOR_FINISH).bytes(finish).toByteArray());
    }

    /** IK: the responder confirms which of our retained secrets it matched; that one is mixed into the keys. */
    private HandshakeStep onKnownPeerResponse(byte[] noiseMessage)
            throws HandshakeException, NoiseException, MalformedInputException {
        byte[] payload = noise.readMessage(noiseMessage);
        Payloads.Identified responder = Payloads.Identified.decode(payload, false, true, true);
        DeviceCertificate peer = authenticated(responder);
        byte[] confirmation = Extensions.parse(responder.extensions)
                .get(Extensions.RETAINED_SECRET_CONFIRMATION).orElse(new byte[0]);
        Optional<Integer> common = ContinuityProofs.confirmed(selection.suite().hash(), heldForPeer, confirmation,
                noise.payloadHash());
        continuity = common.isPresent() ? Continuity.CONFIRMED : withoutMatch(peer, heldForPeer, Continuity.BROKEN);
        // A confirmation means the responder matched, so it stored this session before answering, and now holds
        // the confirmed secret as confirmed too: it will never prove anything older, which can go.
        ContinuityProofs.Evidence learned = new ContinuityProofs.Evidence(common.isPresent(),
                common.map(Set::of).orElse(Set.of()), common);
        return HandshakeStep.complete(complete(peer, responder.ratchetKey, responder.applicationData,
                secretAt(heldForPeer, common), learned));
    }

    /** Responder-protected: the responder proves its retained secrets last; we check, nothing is mixed. */
    private HandshakeStep onResponderFinish(byte[] noiseMessage)
            throws HandshakeException, NoiseException, MalformedInputException {
        byte[] payload = noise.readMessage(noiseMessage);
        Payloads.Identified responder = Payloads.Identified.decode(payload, false, true, true);
        DeviceCertificate peer = authenticated(responder);
        heldForPeer = config.retainedSecrets().forDevice(peer);
        byte[] proof = Extensions.parse(responder.extensions).get(Extensions.RETAINED_SECRET_PROOF)
                .orElse(new byte[0]);
        Optional<ContinuityProofs.Match> match = ContinuityProofs.match(selection.suite().hash(), heldForPeer, proof,
                noise.payloadHash());
        continuity = match.isPresent() ? Continuity.CONFIRMED_NOT_MIXED
                : withoutMatch(peer, heldForPeer, Continuity.BROKEN);
        if (!LateConfirmation.requested(responder.extensions)) {
            // The responder stored the session before sending message 4: the new secret is confirmed at once.
            return HandshakeStep.complete(complete(peer, responder.ratchetKey, responder.applicationData, null,
                    ContinuityProofs.Evidence.of(match, true)));
        }
        // The responder holds secrets for us and had no proof from us (we did not know it when writing message 3):
        // we confirm the newest of its proven secrets we hold, after our commit, as the last message.
        byte[] binding = noise.handshakeHash();
        Keys keys = derive(noise, true, responder.ratchetKey, null, null);
        byte[] frame = LateConfirmation.frame(selection.suite().hash(), keys.confirmationKey(),
                Optional.ofNullable(secretAt(heldForPeer, match.map(ContinuityProofs.Match::newest))), binding, random);
        return HandshakeStep.sendAndComplete(frame, result(peer, binding, keys, responder.applicationData,
                ContinuityProofs.Evidence.of(match, false)));
    }

    /** XX with history: the responder's late confirmation of the newest of our proven secrets it holds. */
    private HandshakeStep onConfirmation(im.sotto.protocol.wire.ByteReader body)
            throws HandshakeException, MalformedInputException {
        Optional<Integer> common = LateConfirmation.read(selection.suite().hash(), pendingKeys.confirmationKey(),
                heldForPeer, body, pendingBinding);
        continuity = common.isPresent() ? Continuity.CONFIRMED_NOT_MIXED
                : withoutMatch(pendingPeer, heldForPeer, Continuity.BROKEN);
        // As in IK: a confirmation shows the responder matched, stored this session first and now holds the
        // confirmed secret as confirmed; nothing older is needed.
        ContinuityProofs.Evidence learned = new ContinuityProofs.Evidence(common.isPresent(),
                common.map(Set::of).orElse(Set.of()), common);
        return HandshakeStep.complete(result(pendingPeer, pendingBinding, pendingKeys, new byte[0], learned));
    }

    private byte[] proofExtension(byte[] transcript, boolean requestConfirmation) {
        Extensions.Builder b = ownExtensions().put(Extensions.RETAINED_SECRET_PROOF,
                ContinuityProofs.proof(selection.suite().hash(), heldForPeer, transcript, random));
        if (requestConfirmation) {
            b.put(Extensions.CONFIRMATION_REQUEST, new byte[0]);
        }
        return b.encode();
    }

    /**
     * Sets the password agreed with this contact (optional). Then the handshake runs CPace too: the peer must know
     * the same password, an attacker gets one online guess per handshake and nothing to test offline.
     */
    public OnlineInitiator usePassword(byte[] value) {
        if (state != State.NEW) {
            throw new IllegalStateException("set the password before starting");
        }
        password.set(value);
        return this;
    }

    /** The responder's certificate, checked against the handshake and the expected peer; its certification read. */
    private DeviceCertificate authenticated(Payloads.Identified responder)
            throws HandshakeException, MalformedInputException {
        DeviceCertificate peer = checkPeerCertificate(responder.certificate, noise, selection);
        if (!expectedPeer.test(peer)) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_PEER,
                    "the responder is not the expected peer: " + peer);
        }
        readPeerCertification(responder.extensions);
        return peer;
    }

    private HandshakeResult complete(DeviceCertificate peer, byte[] responderRatchetKey, byte[] applicationData,
            SecretBytes mixedRetainedSecret, ContinuityProofs.Evidence learned) throws NoiseException {
        byte[] binding = noise.handshakeHash();
        return result(peer, binding, derive(noise, true, responderRatchetKey, null, mixedRetainedSecret),
                applicationData, learned);
    }

    private HandshakeResult result(DeviceCertificate peer, byte[] binding, Keys keys, byte[] applicationData,
            ContinuityProofs.Evidence learned) {
        keys.confirmationKey().wipe();
        state = State.COMPLETE;
        return new HandshakeResult(selection, peer, sas, binding, applicationData, unsentApplicationData, keys.seed(),
                continuity, nextRetainedSecrets(keys.seed(), heldForPeer, learned), peerCertification);
    }

    private void expect(State wanted) throws HandshakeException {
        if (state != wanted) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE, "handshake is " + state);
        }
    }

    private HandshakeException fail(HandshakeException.Kind kind, String message) {
        return fail(new HandshakeException(kind, message));
    }

    private HandshakeException fail(HandshakeException e) {
        state = State.FAILED;
        candidates.forget();
        noise = null;
        if (pendingKeys != null) {
            pendingKeys.confirmationKey().wipe();
            pendingKeys.seed().wipe();
            pendingKeys = null;
        }
        kemKey.wipe();
        return e;
    }

    @Override
    public String toString() {
        return "OnlineInitiator[" + state + (selection == null ? "" : ", " + selection) + "]";
    }
}
