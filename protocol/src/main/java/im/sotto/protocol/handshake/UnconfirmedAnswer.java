package im.sotto.protocol.handshake;

import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A known-peer (IK) session this device answered and has not committed (docs/protocol.md 4.6, "Liveness before
 * commitment"). IK message 1 is replayable, so the answer changes no live session, no retained secret and no trust
 * until a ratchet message from the initiator opens under the new session ({@link #opensAny}). It is stored (in the
 * transaction before message 2 is sent), so that a responder that dies between its answer and the initiator's first
 * ratchet message still reads what the initiator then sends; it is never used for sending. The binding keeps the
 * last few per peer device, so a replay can displace only other unconfirmed answers.
 *
 * <p>Record (version 1, docs/protocol.md 11.5): {@code u8 1 || vec32 peer certificate || vec32 ratchet record ||
 * u8 continuity || vec32 retained-secret record || flag certification [vec32 certification] || flag password ||
 * i64 answered-at (epoch ms)}. It holds secrets: the store encrypts it at rest like every session record.
 */
public final class UnconfirmedAnswer {
    private static final int VERSION = 1;
    /** Bounds each field to what a store record may hold at all (the store caps records well below this). */
    private static final int MAX_FIELD = 1 << 20;

    private final DeviceCertificate peerCertificate;
    private final byte[] ratchet;
    private final Continuity continuity;
    private final RetainedSecrets retainedSecretsToKeep;
    private final AttachedCertification peerCertification;
    private final boolean passwordProved;
    private final Instant answeredAt;

    private UnconfirmedAnswer(DeviceCertificate peerCertificate, byte[] ratchet, Continuity continuity,
            RetainedSecrets retainedSecretsToKeep, AttachedCertification peerCertification, boolean passwordProved,
            Instant answeredAt) {
        this.peerCertificate = Objects.requireNonNull(peerCertificate);
        this.ratchet = ratchet.clone();
        this.continuity = Objects.requireNonNull(continuity);
        this.retainedSecretsToKeep = Objects.requireNonNull(retainedSecretsToKeep);
        this.peerCertification = peerCertification;
        this.passwordProved = passwordProved;
        this.answeredAt = Objects.requireNonNull(answeredAt);
    }

    /**
     * The answer a responder keeps after completing an IK handshake: {@code session} is the ratchet started from the
     * result's seed (the caller wipes the seed).
     *
     * @param passwordProved whether the handshake ran CPace with the contact's password; it counts as proved only
     *     once the answer is confirmed
     * @throws IllegalArgumentException for a result of another mode (only IK completes on message 1)
     */
    public static UnconfirmedAnswer of(HandshakeResult result, RatchetSession session, boolean passwordProved,
            Instant answeredAt) {
        if (result.selection().mode() != HandshakeMode.KNOWN_PEER) {
            throw new IllegalArgumentException("only a known-peer answer waits for liveness, not "
                    + result.selection().mode());
        }
        return new UnconfirmedAnswer(result.peerCertificate(), session.toRecord(), result.continuity(),
                result.retainedSecretsToKeep(), result.peerCertification().orElse(null), passwordProved,
                answeredAt);
    }

    /**
     * The liveness check: true when one of {@code ratchetPayloads} opens under a copy of this session (only the
     * initiator that received this very answer can have written it: the session depends on the answer's fresh
     * ephemeral key). Nothing is kept from the trial; the caller commits {@link #session} and then reads the
     * message under it as usual.
     */
    public boolean opensAny(List<byte[]> ratchetPayloads, byte[] associatedData, SecureRandom random, Clock clock)
            throws RatchetRecordException {
        for (byte[] payload : ratchetPayloads) {
            if (session(random, clock).decrypt(payload, associatedData) instanceof DecryptResult.Decrypted) {
                return true;
            }
        }
        return false;
    }

    /** The session as answered (nothing received yet), to commit once confirmed. */
    public RatchetSession session(SecureRandom random, Clock clock) throws RatchetRecordException {
        return RatchetSession.fromRecord(ratchet, random, clock);
    }

    public DeviceCertificate peerCertificate() {
        return peerCertificate;
    }

    /** The continuity verdict of the answered handshake; reported and acted on only once confirmed. */
    public Continuity continuity() {
        return continuity;
    }

    /** As {@link HandshakeResult#retainedSecretsToKeep()}: stored only once confirmed, never after BROKEN. */
    public RetainedSecrets retainedSecretsToKeep() {
        return retainedSecretsToKeep;
    }

    public Optional<AttachedCertification> peerCertification() {
        return Optional.ofNullable(peerCertification);
    }

    public boolean passwordProved() {
        return passwordProved;
    }

    public Instant answeredAt() {
        return answeredAt;
    }

    public byte[] toRecord() {
        ByteWriter w = new ByteWriter().u8(VERSION).vector32(peerCertificate.encoded()).vector32(ratchet)
                .u8(continuity.ordinal()).vector32(retainedSecretsToKeep.toRecord())
                .flag(peerCertification != null);
        if (peerCertification != null) {
            w.vector32(peerCertification.encode());
        }
        return w.flag(passwordProved).i64(answeredAt.toEpochMilli()).toByteArray();
    }

    /** Reads {@link #toRecord()} strictly; the ratchet record is checked when {@link #session} loads it. */
    public static UnconfirmedAnswer fromRecord(byte[] record) throws MalformedInputException {
        ByteReader r = new ByteReader(record);
        if (r.u8() != VERSION) {
            throw new MalformedInputException("unknown unconfirmed-answer record version");
        }
        DeviceCertificate certificate;
        try {
            certificate = DeviceCertificate.parse(r.vector32(MAX_FIELD, "peer certificate"));
        } catch (CertificateException e) {
            throw new MalformedInputException("the peer certificate does not parse: " + e.getMessage());
        }
        byte[] ratchet = r.vector32(MAX_FIELD, "ratchet record");
        int continuity = r.u8();
        if (continuity >= Continuity.values().length) {
            throw new MalformedInputException("continuity out of range");
        }
        RetainedSecrets secrets = RetainedSecrets.fromRecord(r.vector32(MAX_FIELD, "retained secrets"));
        AttachedCertification certification = r.flag()
                ? AttachedCertification.parse(r.vector32(MAX_FIELD, "certification")) : null;
        boolean password = r.flag();
        Instant answeredAt = Instant.ofEpochMilli(r.i64());
        r.expectEnd();
        return new UnconfirmedAnswer(certificate, ratchet, Continuity.values()[continuity], secrets, certification,
                password, answeredAt);
    }

    @Override
    public String toString() {
        return "UnconfirmedAnswer[device " + peerCertificate.deviceId() + ", " + continuity + ", answered "
                + answeredAt + ", redacted]";
    }
}
