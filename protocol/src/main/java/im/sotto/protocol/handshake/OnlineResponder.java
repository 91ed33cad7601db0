package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * The device that answers an online handshake. It chooses version, suite and mode from the offer (or answers with
 * its own offer when nothing is shared), and in the responder-protecting mode reveals its certificate only after
 * it has authenticated the initiator and its policy accepts it.
 */
public final class OnlineResponder extends HandshakeParty {
    private enum State { AWAIT_INIT, AWAIT_INITIATOR_FINISH, AWAIT_CONFIRMATION, COMPLETE, FAILED }

    private State state = State.AWAIT_INIT;
    private HandshakeState noise;
    private Selection selection;
    private byte[] commitment;
    private byte[] responderNonce;
    private byte[] transcriptAfterResponse;
    private X25519KeyPair ratchetKeyPair;
    private byte[] password;
    private Optional<RetainedSecrets> heldForPeer = Optional.empty();
    private Continuity continuity;
    /** Responder-protected with history for the initiator: what completes the session once its confirmation came. */
    private DeviceCertificate pendingPeer;
    private ShortAuthenticationString pendingSas;
    private Keys pendingKeys;
    private byte[] pendingBinding;
    private byte[] unsentApplicationData = new byte[0];

    private OnlineResponder(HandshakeConfig config, SecureRandom random, Clock clock) {
        super(config, random, clock);
    }

    public static OnlineResponder create(HandshakeConfig config, SecureRandom random, Clock clock) {
        return new OnlineResponder(config, random, clock);
    }

    public HandshakeStep receive(byte[] message) throws HandshakeException {
        return receive(message, new byte[0]);
    }

    /**
     * Processes the initiator's message. {@code applicationData} travels in this side's last handshake message when
     * there is one (the responder-protecting mode's message 4 and the known-peer mode's message 2).
     */
    public HandshakeStep receive(byte[] message, byte[] applicationData) throws HandshakeException {
        if (state == State.FAILED || state == State.COMPLETE) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE, "handshake is " + state);
        }
        try {
            Frame frame = Frame.parse(message);
            if (state == State.AWAIT_INIT && frame.type == Frame.Type.INIT) {
                Offer offer = Offer.read(frame.body);
                byte[] kemKey = ResponderKem.readKeyIfHybrid(frame.body, offer.suites());
                byte[] share = readShareIfFlagged(frame.body, offer.usesPassword());
                byte[] negotiation = new ByteWriter().u8(Frame.Type.INIT.code).bytes(offer.encoded()).bytes(kemKey)
                        .bytes(field(share)).toByteArray();
                return onInit(offer, negotiation, kemKey, share, frame.body.rest());
            }
            if (state == State.AWAIT_INIT && frame.type == Frame.Type.RETRY_INIT) {
                return onRetry(frame.body);
            }
            if (state == State.AWAIT_INIT && frame.type == Frame.Type.KNOWN_PEER_INIT) {
                boolean[] passwordFlag = new boolean[1];
                Selection chosen = Selection.read(frame.body, passwordFlag);
                byte[] kemKey = ResponderKem.readKeyIfHybrid(frame.body, java.util.Set.of(chosen.suite()));
                byte[] share = readShareIfFlagged(frame.body, passwordFlag[0]);
                return onKnownPeerInit(chosen, kemKey, share, frame.body.rest(), applicationData);
            }
            if (state == State.AWAIT_INITIATOR_FINISH && frame.type == Frame.Type.INITIATOR_FINISH) {
                return onInitiatorFinish(frame.body.rest(), applicationData);
            }
            if (state == State.AWAIT_CONFIRMATION && frame.type == Frame.Type.CONTINUITY_CONFIRM) {
                return onConfirmation(frame.body);
            }
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE, frame.type + " while " + state);
        } catch (MalformedInputException e) {
            throw fail(new HandshakeException(HandshakeException.Kind.MALFORMED, e.getMessage()));
        } catch (NoiseException e) {
            throw fail(fromNoise(e));
        } catch (HandshakeException e) {
            throw fail(e);
        }
    }

    private HandshakeStep onInit(Offer offer, byte[] negotiation, byte[] kemKey, byte[] share, byte[] noiseMessage)
            throws HandshakeException, NoiseException, MalformedInputException {
        Selection chosen = config.choose(offer);
        if (chosen == null) {
            return counterOffer();
        }
        selection = chosen;
        noise = newState(chosen, false, negotiation, config.device().deviceKey(), X25519KeyPair.generate(random),
                null);
        commitment = Payloads.exactly(noise.readMessage(noiseMessage), hashLength(), "SAS commitment");
        byte[] passwordField = answerPassword(share, noiseMessage);
        byte[] kemCiphertext = ResponderKem.encapsulateIfHybrid(selection.suite(), kemKey, noise, random);
        responderNonce = nonce();
        byte[] payload;
        if (chosen.mode() == HandshakeMode.XX) {
            ratchetKeyPair = X25519KeyPair.generate(random);
            payload = new Payloads.Identified(config.device().certificate().encoded(), responderNonce,
                    ratchetKeyPair.publicKey(), ownExtensions().encode(), new byte[0]).encode();
        } else {
            payload = responderNonce.clone();
        }
        byte[] response = noise.writeMessage(payload);
        transcriptAfterResponse = noise.handshakeHash();
        state = State.AWAIT_INITIATOR_FINISH;
        return HandshakeStep.send(Frame.start(Frame.Type.RESPONSE).bytes(chosen.encoded()).bytes(passwordField)
                .bytes(kemCiphertext).bytes(response).toByteArray());
    }

    /**
     * A retry after a counter-offer carries all three offers. The counter-offer it echoes must be exactly ours: an
     * attacker who forged a weaker counter-offer is caught here, and the prologue binds all three in any case.
     */
    private HandshakeStep onRetry(ByteReader body) throws HandshakeException, NoiseException, MalformedInputException {
        Offer first = Offer.read(body);
        Offer counter = Offer.read(body);
        Offer retryOffer = Offer.read(body);
        if (!counter.equals(config.offer())) {
            throw new HandshakeException(HandshakeException.Kind.TAMPERED,
                    "the retry answers a counter-offer this device did not make");
        }
        byte[] kemKey = ResponderKem.readKeyIfHybrid(body, retryOffer.suites());
        byte[] share = readShareIfFlagged(body, retryOffer.usesPassword());
        byte[] negotiation = new ByteWriter().u8(Frame.Type.RETRY_INIT.code).bytes(first.encoded())
                .bytes(counter.encoded()).bytes(retryOffer.encoded()).bytes(kemKey).bytes(field(share)).toByteArray();
        if (config.choose(retryOffer) == null) {
            throw new HandshakeException(HandshakeException.Kind.INCOMPATIBLE, "the retried offer shares nothing");
        }
        return onInit(retryOffer, negotiation, kemKey, share, body.rest());
    }

    private HandshakeStep onKnownPeerInit(Selection chosen, byte[] kemKey, byte[] share, byte[] noiseMessage,
            byte[] applicationData) throws HandshakeException, NoiseException, MalformedInputException {
        if (!config.modes().contains(HandshakeMode.KNOWN_PEER) || chosen.mode() != HandshakeMode.KNOWN_PEER
                || !config.versions().contains(chosen.version())
                || !config.suitesByPreference().contains(chosen.suite())) {
            return counterOffer();
        }
        selection = chosen;
        byte[] negotiation = new ByteWriter().u8(Frame.Type.KNOWN_PEER_INIT.code).bytes(kemKey).bytes(field(share))
                .toByteArray();
        noise = newState(chosen, false, negotiation, config.device().deviceKey(), X25519KeyPair.generate(random),
                null);
        byte[] payload;
        try {
            payload = noise.readMessage(noiseMessage);
        } catch (NoiseException e) {
            if (e.kind() != NoiseException.Kind.AUTHENTICATION_FAILED) {
                throw e;
            }
            // The initiator pinned a device key we no longer hold (reinstall) - or the message was altered. Either
            // way nothing was learned; a full handshake follows, which authenticates both sides afresh.
            noise = null;
            return counterOffer();
        }
        Payloads.Identified initiator = Payloads.Identified.decode(payload, false, false, false);
        DeviceCertificate peer = checkPeerCertificate(initiator.certificate, noise, chosen);
        readPeerCertification(initiator.extensions);
        // The initiator proved which retained secrets it holds; we confirm the newest we share, and both mix it in.
        Optional<ContinuityProofs.Match> match = checkProof(peer, initiator.extensions, noise.payloadHash());
        Optional<SecretBytes> common = Optional.ofNullable(secretAt(heldForPeer,
                match.map(ContinuityProofs.Match::newest)));
        byte[] passwordField = answerPassword(share, noiseMessage);
        byte[] kemCiphertext = ResponderKem.encapsulateIfHybrid(selection.suite(), kemKey, noise, random);
        ratchetKeyPair = X25519KeyPair.generate(random);
        byte[] response = noise.writeMessage(h -> new Payloads.Identified(config.device().certificate().encoded(),
                null, ratchetKeyPair.publicKey(), ownExtensions().put(Extensions.RETAINED_SECRET_CONFIRMATION,
                        ContinuityProofs.confirmation(chosen.suite().hash(), common, h, random)).encode(),
                applicationData).encode());
        continuity = common.isPresent() ? Continuity.CONFIRMED : continuity;
        return HandshakeStep.sendAndComplete(
                Frame.start(Frame.Type.RESPONSE).bytes(chosen.encoded()).bytes(passwordField).bytes(kemCiphertext)
                        .bytes(response).toByteArray(),
                complete(peer, null, new byte[0], common.orElse(null), ContinuityProofs.Evidence.of(match, false)));
    }

    private HandshakeStep onInitiatorFinish(byte[] noiseMessage, byte[] applicationData)
            throws HandshakeException, NoiseException, MalformedInputException {
        boolean protectedMode = selection.mode() == HandshakeMode.RESPONDER_PROTECTED;
        byte[] payload = noise.readMessage(noiseMessage);
        Payloads.Identified initiator = Payloads.Identified.decode(payload, true, false, !protectedMode);
        byte[] recomputed = ShortAuthenticationString.commitment(selection.suite().hash(), initiator.nonce);
        if (!MessageDigest.isEqual(commitment, recomputed)) {
            throw new HandshakeException(HandshakeException.Kind.COMMITMENT_MISMATCH,
                    "the initiator's SAS nonce does not open its commitment");
        }
        DeviceCertificate peer = checkPeerCertificate(initiator.certificate, noise, selection);
        readPeerCertification(initiator.extensions);
        ShortAuthenticationString sas = ShortAuthenticationString.derive(selection.suite().hash(),
                transcriptAfterResponse, initiator.nonce, responderNonce);
        if (!protectedMode) {
            // XX: the initiator's proof is checked; no message is left to confirm it, so nothing is mixed.
            Optional<ContinuityProofs.Match> match = checkProof(peer, initiator.extensions, noise.payloadHash());
            continuity = match.isPresent() ? Continuity.CONFIRMED_NOT_MIXED : continuity;
            if (!LateConfirmation.requested(initiator.extensions)) {
                // The initiator stored the session before sending message 3: the new secret is confirmed at once.
                return HandshakeStep.complete(complete(peer, sas, initiator.applicationData, null,
                        ContinuityProofs.Evidence.of(match, true)));
            }
            // The initiator holds secrets for us and XX gave it no proof from us: we confirm the newest of its
            // proven secrets we hold, after our commit, as the last message (it waits for it, uncommitted).
            byte[] binding = noise.handshakeHash();
            Keys keys = derive(noise, false, ratchetKeyPair.publicKey(), ratchetKeyPair, null);
            byte[] frame = LateConfirmation.frame(selection.suite().hash(), keys.confirmationKey(),
                    Optional.ofNullable(secretAt(heldForPeer, match.map(ContinuityProofs.Match::newest))), binding,
                    random);
            return HandshakeStep.sendAndComplete(frame, result(peer, sas, binding, keys, initiator.applicationData,
                    ContinuityProofs.Evidence.of(match, false)));
        }
        if (!config.revealsTo(peer)) {
            throw new HandshakeException(HandshakeException.Kind.REJECTED_BY_POLICY,
                    "policy does not reveal this device to " + peer);
        }
        // Responder-protected: we prove our retained secrets last and the initiator checks them. Message 3 could
        // carry no proof for us (the initiator did not know us yet): with history for it, we ask for a late
        // confirmation (4.11), commit only when it came, and keep our data for the ratchet until then.
        heldForPeer = config.retainedSecrets().forDevice(peer);
        boolean request = heldForPeer.isPresent();
        continuity = withoutMatch(peer, heldForPeer, Continuity.BROKEN);
        ratchetKeyPair = X25519KeyPair.generate(random);
        byte[] data = request ? new byte[0] : applicationData;
        if (request) {
            unsentApplicationData = applicationData.clone();
        }
        byte[] finish = noise.writeMessage(h -> {
            Extensions.Builder b = ownExtensions().put(Extensions.RETAINED_SECRET_PROOF,
                    ContinuityProofs.proof(selection.suite().hash(), heldForPeer, h, random));
            if (request) {
                b.put(Extensions.CONFIRMATION_REQUEST, new byte[0]);
            }
            return new Payloads.Identified(config.device().certificate().encoded(), null, ratchetKeyPair.publicKey(),
                    b.encode(), data).encode();
        });
        byte[] frame = Frame.start(Frame.Type.RESPONDER_FINISH).bytes(finish).toByteArray();
        if (!request) {
            return HandshakeStep.sendAndComplete(frame,
                    complete(peer, sas, new byte[0], null, ContinuityProofs.Evidence.NONE));
        }
        pendingPeer = peer;
        pendingSas = sas;
        pendingBinding = noise.handshakeHash();
        pendingKeys = derive(noise, false, ratchetKeyPair.publicKey(), ratchetKeyPair, null);
        state = State.AWAIT_CONFIRMATION;
        return HandshakeStep.send(frame);
    }

    /** Responder-protected with history: the initiator's late confirmation of the newest of our proven secrets. */
    private HandshakeStep onConfirmation(ByteReader body) throws HandshakeException, MalformedInputException {
        Optional<Integer> common = LateConfirmation.read(selection.suite().hash(), pendingKeys.confirmationKey(),
                heldForPeer, body, pendingBinding);
        continuity = common.isPresent() ? Continuity.CONFIRMED_NOT_MIXED
                : withoutMatch(pendingPeer, heldForPeer, Continuity.BROKEN);
        // A confirmation shows the initiator matched our proof and stored this session before sending it: it holds
        // the confirmed secret as confirmed, so nothing older is needed (as on the IK initiator).
        ContinuityProofs.Evidence learned = new ContinuityProofs.Evidence(common.isPresent(),
                common.map(java.util.Set::of).orElse(java.util.Set.of()), common);
        return HandshakeStep.complete(result(pendingPeer, pendingSas, pendingBinding, pendingKeys, new byte[0],
                learned));
    }

    /**
     * Sets the password agreed with the contact this handshake is with (the binding knows it from the stanza's
     * sender). With one set, a handshake without a password exchange is refused; without one, a handshake that
     * asks for a password is refused.
     */
    public OnlineResponder usePassword(byte[] value) {
        if (state != State.AWAIT_INIT || noise != null) {
            throw new IllegalStateException("set the password before the first message");
        }
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("an empty password is no password");
        }
        password = value.clone();
        return this;
    }

    private byte[] readShareIfFlagged(ByteReader body, boolean flagged) throws MalformedInputException,
            HandshakeException {
        if (flagged && password == null) {
            throw new HandshakeException(HandshakeException.Kind.PASSWORD_MISMATCH,
                    "the initiator uses a password for this contact; this device has none");
        }
        if (!flagged && password != null) {
            throw new HandshakeException(HandshakeException.Kind.PASSWORD_REQUIRED,
                    "this contact requires a password and the initiator used none");
        }
        return flagged ? PasswordExchange.readShare(body) : null;
    }

    private static byte[] field(byte[] share) {
        return share == null ? new byte[0] : new ByteWriter().vector16(share).toByteArray();
    }

    /** With a password: completes CPace, mixes its key in, and returns the RESPONSE field (share and tag). */
    private byte[] answerPassword(byte[] share, byte[] noiseMessage) throws HandshakeException, NoiseException {
        if (share == null) {
            return new byte[0];
        }
        byte[] initiatorEphemeral = java.util.Arrays.copyOf(noiseMessage, im.sotto.protocol.crypto.X25519.KEY_LENGTH);
        return PasswordExchange.respond(password, share, initiatorEphemeral, noise, random);
    }

    /** Nothing in the offer is acceptable: answer with ours and stay ready for a retry (no state is kept). */
    private HandshakeStep counterOffer() {
        return HandshakeStep.send(Frame.start(Frame.Type.COUNTER_OFFER).bytes(config.offer().encoded()).toByteArray());
    }

    /**
     * Checks the initiator's retained-secret proof against what we hold for its device; sets the continuity for
     * every outcome but a match (which the caller decides) and returns the matched secret.
     */
    private Optional<ContinuityProofs.Match> checkProof(DeviceCertificate peer, byte[] extensions, byte[] transcript)
            throws MalformedInputException {
        heldForPeer = config.retainedSecrets().forDevice(peer);
        byte[] proof = Extensions.parse(extensions).get(Extensions.RETAINED_SECRET_PROOF).orElse(new byte[0]);
        Optional<ContinuityProofs.Match> common = ContinuityProofs.match(selection.suite().hash(), heldForPeer, proof,
                transcript);
        continuity = withoutMatch(peer, heldForPeer, Continuity.BROKEN);
        return common;
    }

    private HandshakeResult complete(DeviceCertificate peer, ShortAuthenticationString sas, byte[] applicationData,
            SecretBytes mixedRetainedSecret, ContinuityProofs.Evidence learned) throws NoiseException {
        byte[] binding = noise.handshakeHash();
        return result(peer, sas, binding,
                derive(noise, false, ratchetKeyPair.publicKey(), ratchetKeyPair, mixedRetainedSecret),
                applicationData, learned);
    }

    private HandshakeResult result(DeviceCertificate peer, ShortAuthenticationString sas, byte[] binding, Keys keys,
            byte[] applicationData, ContinuityProofs.Evidence learned) {
        keys.confirmationKey().wipe();
        state = State.COMPLETE;
        return new HandshakeResult(selection, peer, sas, binding, applicationData, unsentApplicationData, keys.seed(),
                continuity, nextRetainedSecrets(keys.seed(), heldForPeer, learned), peerCertification);
    }

    private int hashLength() {
        return selection.suite().hash().length();
    }

    private HandshakeException fail(HandshakeException e) {
        state = State.FAILED;
        noise = null;
        if (pendingKeys != null) {
            pendingKeys.confirmationKey().wipe();
            pendingKeys.seed().wipe();
            pendingKeys = null;
        }
        return e;
    }

    @Override
    public String toString() {
        return "OnlineResponder[" + state + (selection == null ? "" : ", " + selection) + "]";
    }
}
