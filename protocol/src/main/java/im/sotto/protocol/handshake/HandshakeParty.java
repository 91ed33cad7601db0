package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/** What initiator and responder share: prologue, Noise error mapping, certificate checks, the ratchet seed. */
abstract class HandshakeParty {
    private static final byte[] PROLOGUE_LABEL = "Sotto v1 online handshake".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED_LABEL = "Sotto v1 ratchet seed".getBytes(StandardCharsets.US_ASCII);

    final HandshakeConfig config;
    final SecureRandom random;
    final Clock clock;

    /** The account certification the peer attached, if any (read from its identified payload). */
    AttachedCertification peerCertification;

    /** This side's extensions: its account certification, if the user attached one; the caller adds the rest. */
    Extensions.Builder ownExtensions() {
        Extensions.Builder b = Extensions.builder();
        config.certification().ifPresent(c -> b.put(Extensions.ACCOUNT_CERTIFICATION, c.encode()));
        return b;
    }

    /** Reads the peer's certification from its extensions; a malformed one fails the handshake (MALFORMED). */
    void readPeerCertification(byte[] extensions) throws MalformedInputException {
        java.util.Optional<byte[]> value = Extensions.parse(extensions).get(Extensions.ACCOUNT_CERTIFICATION);
        peerCertification = value.isPresent() ? AttachedCertification.parse(value.get()) : null;
    }

    HandshakeParty(HandshakeConfig config, SecureRandom random, Clock clock) {
        this.config = config;
        this.random = random;
        this.clock = clock;
    }

    /**
     * The prologue binds everything said in cleartext before the keys exist: every offer and counter-offer exactly
     * as sent, and the selection. If an attacker changed any of it, the two sides hash different prologues and the
     * first authenticated payload fails.
     */
    static byte[] prologue(byte[] negotiation, Selection selection) {
        return new ByteWriter().bytes(PROLOGUE_LABEL).vector16(negotiation).bytes(selection.encoded()).toByteArray();
    }

    static HandshakeState newState(Selection selection, boolean initiator, byte[] negotiation,
            X25519KeyPair localStatic, X25519KeyPair ephemeral, byte[] remoteStatic) {
        HandshakeState.Builder b = HandshakeState.builder(selection.mode().pattern(), selection.suite(), initiator)
                .prologue(prologue(negotiation, selection))
                .localStatic(localStatic)
                .ephemeral(ephemeral);
        if (remoteStatic != null) {
            b.remoteStatic(remoteStatic);
        }
        return b.build();
    }

    byte[] nonce() {
        byte[] n = new byte[Payloads.NONCE_LENGTH];
        random.nextBytes(n);
        return n;
    }

    static HandshakeException fromNoise(NoiseException e) {
        switch (e.kind()) {
            case AUTHENTICATION_FAILED:
                return new HandshakeException(HandshakeException.Kind.TAMPERED,
                        "a handshake message failed authentication (altered in transit, or the offers differ)");
            case MALFORMED:
            case INVALID_KEY:
                return new HandshakeException(HandshakeException.Kind.MALFORMED, e.getMessage());
            default:
                return new HandshakeException(HandshakeException.Kind.UNEXPECTED_MESSAGE, e.getMessage());
        }
    }

    /** Parses the peer's certificate and checks signature, validity, and that it names the key Noise saw. */
    DeviceCertificate checkPeerCertificate(byte[] encoded, HandshakeState state, Selection selection)
            throws HandshakeException {
        DeviceCertificate cert;
        try {
            cert = DeviceCertificate.parse(encoded);
            cert.checkValidAt(clock.instant());
        } catch (CertificateException e) {
            throw new HandshakeException(HandshakeException.Kind.CERTIFICATE_INVALID, e.kind() + ": " + e.getMessage());
        }
        if (!Arrays.equals(cert.deviceKey(), state.remoteStaticKey())) {
            throw new HandshakeException(HandshakeException.Kind.IDENTITY_MISMATCH,
                    "certificate names another device key than the one in the handshake");
        }
        if (!cert.suiteIds().contains(selection.suite().wireId()) || !cert.versions().contains(selection.version())) {
            throw new HandshakeException(HandshakeException.Kind.DOWNGRADE,
                    "the negotiated version or suite is not one the peer's certificate lists");
        }
        return cert;
    }

    /**
     * What the finished Noise state yields (spent afterwards): the ratchet seed and the key that authenticates a
     * late confirmation ({@link LateConfirmation}). A retained secret both sides confirmed is appended to the input,
     * so the session depends on it too.
     */
    record Keys(SessionSeed seed, SecretBytes confirmationKey) {
    }

    /**
     * One export of 160 bytes: 0..128 the seed as in 4.8 (HKDF-Expand's output does not depend on the length asked
     * for, so these bytes are those of the former 128-byte export), 128..160 the late-confirmation key.
     */
    static Keys derive(HandshakeState state, boolean initiator, byte[] responderRatchetPublic,
            X25519KeyPair responderRatchetPair, SecretBytes mixedRetainedSecret) throws NoiseException {
        SecretBytes material = state.exportSecret(SEED_LABEL, 160, mixedRetainedSecret);
        byte[] m = material.reveal();
        material.wipe();
        try {
            return new Keys(new SessionSeed(state.suite(), initiator, SecretBytes.copyOf(Arrays.copyOfRange(m, 0, 32)),
                    SecretBytes.copyOf(Arrays.copyOfRange(m, 32, 64)), SecretBytes.copyOf(Arrays.copyOfRange(m, 64, 96)),
                    responderRatchetPublic, responderRatchetPair, SecretBytes.copyOf(Arrays.copyOfRange(m, 96, 128))),
                    SecretBytes.copyOf(Arrays.copyOfRange(m, 128, 160)));
        } finally {
            Arrays.fill(m, (byte) 0);
        }
    }

    /**
     * The continuity to report when no proof matched: {@code whenHeld} if this device holds a <em>confirmed</em>
     * retained secret for the peer device (history the peer is known to share: a break), else a new device of a
     * known account, or a new peer. Secrets never confirmed are no history for this decision: the handshake that
     * left them may have completed on this side only (docs/protocol.md 4.11).
     */
    Continuity withoutMatch(DeviceCertificate peer, Optional<RetainedSecrets> held, Continuity whenHeld) {
        if (held.filter(RetainedSecrets::anyConfirmed).isPresent()) {
            return whenHeld;
        }
        return config.retainedSecrets().knowsAccount(peer.accountKey()) ? Continuity.NEW_DEVICE : Continuity.NEW_PEER;
    }

    /**
     * What to retain after this session (docs/protocol.md 4.11): its new secret next to those held, updated with
     * what the handshake showed about the peer's.
     */
    static RetainedSecrets nextRetainedSecrets(SessionSeed seed, Optional<RetainedSecrets> held,
            ContinuityProofs.Evidence learned) {
        SecretBytes fresh = seed.retainedSecret();
        return held.map(rs -> rs.next(fresh, learned.freshConfirmed(), learned.proven(), learned.floor()))
                .orElseGet(() -> RetainedSecrets.first(fresh, learned.freshConfirmed()));
    }

    /** The secret at {@code index} of what this side holds (a matched one, to mix into the keys). */
    static SecretBytes secretAt(Optional<RetainedSecrets> held, Optional<Integer> index) {
        return index.map(i -> held.orElseThrow().newestFirst().get(i)).orElse(null);
    }
}
