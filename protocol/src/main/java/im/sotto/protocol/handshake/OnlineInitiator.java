package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidCiphertextException;
import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.crypto.MlKemKeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import im.sotto.protocol.pake.CPace;
import im.sotto.protocol.pake.CPaceConfirmation;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The device that starts an online handshake. Message 1 goes out before the responder has chosen a suite and mode,
 * so the initiator prepares one Noise state per (version, suite, mode) it offered, all with the same fresh
 * ephemeral key, and keeps only the one the response selects; the selection is in every state's prologue, so a
 * changed selection fails authentication.
 */
public final class OnlineInitiator extends HandshakeParty {
    private enum State { NEW, AWAIT_RESPONSE, AWAIT_RESPONDER_FINISH, COMPLETE, FAILED }

    private State state = State.NEW;
    private Offer firstOffer;
    private boolean retried;
    private boolean knownPeer;
    private byte[] pinnedPeerKey;
    private Map<Selection, HandshakeState> candidates = new HashMap<>();
    private HandshakeState noise;
    private Selection selection;
    private byte[] initiatorNonce;
    private byte[] transcriptAfterResponse;
    private ShortAuthenticationString sas;
    private byte[] unsentApplicationData = new byte[0];
    private MlKemKeyPair kemKeyPair;
    private byte[] password;
    private CPace pake;
    private Optional<RetainedSecrets> heldForPeer = Optional.empty();
    private Continuity continuity;

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
     * Message 1 of a full handshake (XX or responder-protected, the responder chooses). When this device prefers
     * the hybrid suite (it is first in its list) it offers that alone, so that a peer who speaks it must use it,
     * and falls back through the counter-offer otherwise; when it does not, it offers the classical suites only,
     * and message 1 carries no 1,184-byte ML-KEM key that the responder would not use.
     */
    public byte[] start() throws HandshakeException {
        List<CipherSuite> preferred = config.suitesByPreference();
        Set<CipherSuite> first = EnumSet.noneOf(CipherSuite.class);
        if (preferred.get(0).isHybrid()) {
            first.add(preferred.get(0));
        } else {
            preferred.stream().filter(s -> !s.isHybrid()).forEach(first::add);
        }
        return start(first);
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
        Set<HandshakeMode> modes = EnumSet.copyOf(config.modes());
        modes.remove(HandshakeMode.KNOWN_PEER);
        firstOffer = Offer.of(config.versions(), suitesFirst, modes);
        if (password != null) {
            firstOffer = firstOffer.withPassword();
        }
        X25519KeyPair ephemeral = X25519KeyPair.generate(random);
        byte[] kemKey = newKemKeyIfHybrid(firstOffer.suites());
        byte[] share = newPasswordShare(ephemeral);
        byte[] negotiation = new ByteWriter().u8(Frame.Type.INIT.code).bytes(firstOffer.encoded()).bytes(kemKey)
                .bytes(share).toByteArray();
        byte[] noiseMessage;
        try {
            noiseMessage = prepareCandidates(firstOffer, negotiation, ephemeral);
        } catch (NoiseException e) {
            throw fail(fromNoise(e));
        }
        state = State.AWAIT_RESPONSE;
        return Frame.start(Frame.Type.INIT).bytes(firstOffer.encoded()).bytes(kemKey).bytes(share)
                .bytes(noiseMessage).toByteArray();
    }

    /**
     * Message 1 of the known-peer fast path (Noise IK) to a device whose certificate was pinned earlier. If the peer
     * no longer holds that key it answers with a counter-offer and the handshake continues as a full one.
     */
    public byte[] startKnownPeer(DeviceCertificate pinnedPeer) throws HandshakeException {
        expect(State.NEW);
        firstOffer = config.offer();
        int version = new TreeSet<>(config.versions()).descendingSet().stream()
                .filter(pinnedPeer.versions()::contains).findFirst()
                .orElseThrow(() -> fail(HandshakeException.Kind.INCOMPATIBLE, "no common version with pinned peer"));
        CipherSuite suite = config.suitesByPreference().stream()
                .filter(s -> pinnedPeer.suiteIds().contains(s.wireId())).findFirst()
                .orElseThrow(() -> fail(HandshakeException.Kind.INCOMPATIBLE, "no common suite with pinned peer"));
        selection = new Selection(version, suite, HandshakeMode.KNOWN_PEER);
        knownPeer = true;
        pinnedPeerKey = pinnedPeer.deviceKey();
        X25519KeyPair ephemeral = X25519KeyPair.generate(random);
        byte[] kemKey = newKemKeyIfHybrid(Set.of(suite));
        byte[] share = newPasswordShare(ephemeral);
        byte[] negotiation = new ByteWriter().u8(Frame.Type.KNOWN_PEER_INIT.code).bytes(kemKey).bytes(share)
                .toByteArray();
        noise = newState(selection, true, negotiation, config.device().deviceKey(), ephemeral, pinnedPeerKey);
        heldForPeer = config.retainedSecrets().forDevice(pinnedPeer);
        byte[] noiseMessage;
        try {
            noiseMessage = noise.writeMessage(h -> new Payloads.Identified(config.device().certificate().encoded(),
                    null, null, proofExtension(h), new byte[0]).encode());
        } catch (NoiseException e) {
            throw fail(fromNoise(e));
        }
        state = State.AWAIT_RESPONSE;
        return Frame.start(Frame.Type.KNOWN_PEER_INIT).bytes(selection.encoded(password != null)).bytes(kemKey)
                .bytes(share).bytes(noiseMessage).toByteArray();
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
                Selection chosen = Selection.read(frame.body);
                byte[] responderShare = password != null ? PasswordExchange.readShare(frame.body) : null;
                byte[] confirmation = password != null ? frame.body.bytes(CPaceConfirmation.TAG_LENGTH) : null;
                byte[] kemCiphertext = chosen.suite().isHybrid() ? frame.body.bytes(MlKem768.CIPHERTEXT_LENGTH)
                        : new byte[0];
                return onResponse(chosen, responderShare, confirmation, kemCiphertext, frame.body.rest(),
                        applicationData);
            }
            if (state == State.AWAIT_RESPONDER_FINISH && frame.type == Frame.Type.RESPONDER_FINISH) {
                return onResponderFinish(frame.body.rest());
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

    private byte[] prepareCandidates(Offer offer, byte[] negotiation, X25519KeyPair ephemeral)
            throws NoiseException {
        candidates.clear();
        initiatorNonce = nonce();
        byte[] noiseMessage = null;
        for (int version : offer.versions()) {
            for (CipherSuite suite : offer.suites()) {
                for (HandshakeMode mode : offer.modes()) {
                    Selection s = new Selection(version, suite, mode);
                    HandshakeState hs = newState(s, true, negotiation, config.device().deviceKey(), ephemeral, null);
                    byte[] c = ShortAuthenticationString.commitment(suite.hash(), initiatorNonce);
                    byte[] m = hs.writeMessage(c);
                    // Every candidate writes the same bytes: e and the commitment in clear (all suites hash with
                    // SHA-256 today). A suite with another hash would need its own commitment field.
                    if (noiseMessage != null && !Arrays.equals(noiseMessage, m)) {
                        throw new IllegalStateException("candidate first messages differ");
                    }
                    noiseMessage = m;
                    candidates.put(s, hs);
                }
            }
        }
        return noiseMessage;
    }

    private HandshakeStep retry(Offer counterOffer, Frame frame) throws HandshakeException, NoiseException,
            MalformedInputException {
        frame.body.expectEnd();
        if (retried) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE, "second counter-offer");
        }
        Set<Integer> versions = new TreeSet<>(config.versions());
        versions.retainAll(counterOffer.versions());
        Set<CipherSuite> suites = EnumSet.noneOf(CipherSuite.class);
        suites.addAll(config.suitesByPreference());
        suites.retainAll(counterOffer.suites());
        Set<HandshakeMode> modes = EnumSet.copyOf(firstOffer.modes());
        modes.retainAll(counterOffer.modes());
        if (versions.isEmpty() || suites.isEmpty() || modes.isEmpty()) {
            throw new HandshakeException(HandshakeException.Kind.INCOMPATIBLE,
                    "no version, suite or mode in common with the peer's counter-offer " + counterOffer);
        }
        retried = true;
        knownPeer = false;
        noise = null;
        Offer newOffer = Offer.of(versions, suites, modes);
        if (password != null) {
            newOffer = newOffer.withPassword();
        }
        byte[] offers = new ByteWriter().bytes(firstOffer.encoded()).bytes(counterOffer.encoded())
                .bytes(newOffer.encoded()).toByteArray();
        X25519KeyPair ephemeral = X25519KeyPair.generate(random);
        byte[] kemKey = newKemKeyIfHybrid(newOffer.suites());
        byte[] share = newPasswordShare(ephemeral);
        byte[] negotiation = new ByteWriter().u8(Frame.Type.RETRY_INIT.code).bytes(offers).bytes(kemKey).bytes(share)
                .toByteArray();
        byte[] noiseMessage = prepareCandidates(newOffer, negotiation, ephemeral);
        return HandshakeStep.send(Frame.start(Frame.Type.RETRY_INIT).bytes(offers).bytes(kemKey).bytes(share)
                .bytes(noiseMessage).toByteArray());
    }

    private HandshakeStep onResponse(Selection chosen, byte[] responderShare, byte[] confirmation,
            byte[] kemCiphertext, byte[] noiseMessage, byte[] applicationData)
            throws HandshakeException, NoiseException, MalformedInputException {
        if (knownPeer) {
            if (!chosen.equals(selection)) {
                throw new HandshakeException(HandshakeException.Kind.DOWNGRADE, "response changed the selection");
            }
            mixPassword(responderShare, confirmation);
            mixKem(kemCiphertext);
            return onKnownPeerResponse(noiseMessage);
        }
        if (chosen.version() < ProtocolVersion.MINIMUM_ACCEPTED || !candidates.containsKey(chosen)) {
            throw new HandshakeException(HandshakeException.Kind.DOWNGRADE,
                    "responder selected " + chosen + ", which was not offered");
        }
        selection = chosen;
        noise = candidates.get(chosen);
        candidates = new HashMap<>();
        mixPassword(responderShare, confirmation);
        mixKem(kemCiphertext);
        byte[] payload = read(noiseMessage);
        transcriptAfterResponse = noise.handshakeHash();
        if (selection.mode() == HandshakeMode.XX) {
            Payloads.Identified responder = Payloads.Identified.decode(payload, true, true, false);
            DeviceCertificate peer = checkExpected(checkPeerCertificate(responder.certificate, noise, selection));
            readPeerCertification(responder.extensions);
            sas = ShortAuthenticationString.derive(selection.suite().hash(), transcriptAfterResponse, initiatorNonce,
                    responder.nonce);
            heldForPeer = config.retainedSecrets().forDevice(peer);
            // XX: our proof goes to the responder, but no message comes back to confirm it.
            byte[] finish = noise.writeMessage(h -> new Payloads.Identified(config.device().certificate().encoded(),
                    initiatorNonce, null, proofExtension(h), applicationData).encode());
            continuity = withoutMatch(peer, heldForPeer, Continuity.UNCHECKED);
            return HandshakeStep.sendAndComplete(Frame.start(Frame.Type.INITIATOR_FINISH).bytes(finish).toByteArray(),
                    complete(peer, responder.ratchetKey, new byte[0], null, ContinuityProofs.Evidence.NONE));
        }
        // Responder-protected: it has sent only its nonce; we identify ourselves first. Our data must wait for
        // the ratchet, after the responder has been authenticated.
        unsentApplicationData = applicationData.clone();
        byte[] responderNonce = Payloads.exactly(payload, Payloads.NONCE_LENGTH, "responder nonce");
        sas = ShortAuthenticationString.derive(selection.suite().hash(), transcriptAfterResponse, initiatorNonce,
                responderNonce);
        byte[] finish = write(new Payloads.Identified(config.device().certificate().encoded(), initiatorNonce, null,
                ownExtensions().encode(), new byte[0]).encode());
        state = State.AWAIT_RESPONDER_FINISH;
        return HandshakeStep.send(Frame.start(Frame.Type.INITIATOR_FINISH).bytes(finish).toByteArray());
    }

    /** IK: the responder confirms which of our retained secrets it matched; that one is mixed into the keys. */
    private HandshakeStep onKnownPeerResponse(byte[] noiseMessage)
            throws HandshakeException, NoiseException, MalformedInputException {
        byte[] payload = read(noiseMessage);
        Payloads.Identified responder = Payloads.Identified.decode(payload, false, true, true);
        DeviceCertificate peer = checkExpected(checkPeerCertificate(responder.certificate, noise, selection));
        readPeerCertification(responder.extensions);
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
        byte[] payload = read(noiseMessage);
        Payloads.Identified responder = Payloads.Identified.decode(payload, false, true, true);
        DeviceCertificate peer = checkExpected(checkPeerCertificate(responder.certificate, noise, selection));
        readPeerCertification(responder.extensions);
        heldForPeer = config.retainedSecrets().forDevice(peer);
        byte[] proof = Extensions.parse(responder.extensions).get(Extensions.RETAINED_SECRET_PROOF)
                .orElse(new byte[0]);
        Optional<ContinuityProofs.Match> match = ContinuityProofs.match(selection.suite().hash(), heldForPeer, proof,
                noise.payloadHash());
        continuity = match.isPresent() ? Continuity.CONFIRMED_NOT_MIXED
                : withoutMatch(peer, heldForPeer, Continuity.BROKEN);
        // The responder stored the session before sending message 4: the new secret is confirmed at once.
        return HandshakeStep.complete(complete(peer, responder.ratchetKey, responder.applicationData, null,
                ContinuityProofs.Evidence.of(match, true)));
    }

    private byte[] proofExtension(byte[] transcript) {
        return ownExtensions().put(Extensions.RETAINED_SECRET_PROOF,
                ContinuityProofs.proof(selection.suite().hash(), heldForPeer, transcript, random)).encode();
    }

    /**
     * Sets the password agreed with this contact (optional). Then the handshake runs CPace too: the peer must know
     * the same password, an attacker gets one online guess per handshake and nothing to test offline.
     */
    public OnlineInitiator usePassword(byte[] value) {
        if (state != State.NEW) {
            throw new IllegalStateException("set the password before starting");
        }
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("an empty password is no password");
        }
        password = value.clone();
        return this;
    }

    /** The CPace share for message 1's frame when a password is set (empty otherwise). */
    private byte[] newPasswordShare(X25519KeyPair ephemeral) {
        if (password == null) {
            return new byte[0];
        }
        pake = PasswordExchange.initiator(password, ephemeral.publicKey(), random);
        return PasswordExchange.frameField(pake);
    }

    private void mixPassword(byte[] responderShare, byte[] confirmation) throws HandshakeException, NoiseException {
        if (password != null) {
            PasswordExchange.complete(pake, responderShare, confirmation, noise);
        }
    }

    /** A fresh ML-KEM-768 key for this handshake when a hybrid suite may be chosen; nothing otherwise. */
    private byte[] newKemKeyIfHybrid(Set<CipherSuite> suites) {
        if (kemKeyPair != null) {
            kemKeyPair.wipe();
            kemKeyPair = null;
        }
        if (suites.stream().noneMatch(CipherSuite::isHybrid)) {
            return new byte[0];
        }
        kemKeyPair = MlKemKeyPair.generate(random);
        return kemKeyPair.encapsulationKey().toBytes();
    }

    /** In the hybrid suite the responder's KEM ciphertext and shared secret are mixed in before message 2. */
    private void mixKem(byte[] kemCiphertext) throws NoiseException, HandshakeException {
        if (!selection.suite().isHybrid()) {
            return;
        }
        if (kemKeyPair == null) {
            throw new HandshakeException(HandshakeException.Kind.DOWNGRADE, "hybrid suite selected but not offered");
        }
        SecretBytes shared;
        try {
            shared = kemKeyPair.decapsulate(kemCiphertext);
        } catch (InvalidCiphertextException e) {
            throw new HandshakeException(HandshakeException.Kind.MALFORMED, e.getMessage());
        } finally {
            kemKeyPair.wipe();
            kemKeyPair = null;
        }
        try {
            noise.mixExternal(kemCiphertext, shared);
        } finally {
            shared.wipe();
        }
    }

    private DeviceCertificate checkExpected(DeviceCertificate peer) throws HandshakeException {
        if (!expectedPeer.test(peer)) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_PEER,
                    "the responder is not the expected peer: " + peer);
        }
        return peer;
    }

    private HandshakeResult complete(DeviceCertificate peer, byte[] responderRatchetKey, byte[] applicationData,
            SecretBytes mixedRetainedSecret, ContinuityProofs.Evidence learned) throws NoiseException {
        byte[] binding = noise.handshakeHash();
        SessionSeed seed = seed(noise, true, responderRatchetKey, null, mixedRetainedSecret);
        state = State.COMPLETE;
        return new HandshakeResult(selection, peer, sas, binding, applicationData, unsentApplicationData, seed,
                continuity, nextRetainedSecrets(seed, heldForPeer, learned), peerCertification);
    }

    private byte[] write(byte[] payload) throws NoiseException {
        return noise.writeMessage(payload);
    }

    private byte[] read(byte[] noiseMessage) throws NoiseException {
        return noise.readMessage(noiseMessage);
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
        candidates = new HashMap<>();
        noise = null;
        if (kemKeyPair != null) {
            kemKeyPair.wipe();
            kemKeyPair = null;
        }
        return e;
    }

    @Override
    public String toString() {
        return "OnlineInitiator[" + state + (selection == null ? "" : ", " + selection) + "]";
    }
}
