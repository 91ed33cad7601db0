package im.sotto.xmpp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import im.sotto.protocol.handshake.Continuity;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;

/**
 * What the binding keeps per peer device in the session store: the ratchet's own record plus the facts around it.
 * Layout (version 1, {@link RecordCodec} fields): origin, ratchet record, peer certificate (empty until known),
 * SAS (empty when none), pending confirmation (an offline sender waiting for the recipient's first reply), owed
 * reply transcript hash (an offline recipient whose next message must be the first reply), digest of the first
 * message that started the session (to recognise it when it is delivered again); version 2 adds the continuity an
 * online handshake reported (empty for offline sessions, and in version 1 records, which are still read).
 */
record SessionRecord(SessionOrigin origin, byte[] ratchet, Optional<byte[]> peerCertificate, Optional<String> sas,
        Optional<byte[]> pendingConfirmation, Optional<byte[]> owedReplyTranscript, Optional<byte[]> firstMessageDigest,
        Optional<Continuity> continuity) {
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_CONTINUITY = 1;

    SessionRecord withRatchet(byte[] newRatchet) {
        return new SessionRecord(origin, newRatchet, peerCertificate, sas, pendingConfirmation, owedReplyTranscript,
                firstMessageDigest, continuity);
    }

    SessionRecord confirmed(byte[] newRatchet, DeviceCertificate recipient) {
        return new SessionRecord(origin, newRatchet, Optional.of(recipient.encoded()), sas, Optional.empty(),
                owedReplyTranscript, firstMessageDigest, continuity);
    }

    SessionRecord replySent(byte[] newRatchet) {
        return new SessionRecord(origin, newRatchet, peerCertificate, sas, pendingConfirmation, Optional.empty(),
                firstMessageDigest, continuity);
    }

    /** The Double Ratchet session this record keeps, running on {@code account}'s randomness and clock. */
    RatchetSession ratchetSession(SottoAccount account) {
        try {
            return RatchetSession.fromRecord(ratchet, account.random(), account.clock());
        } catch (RatchetRecordException | RuntimeException e) {
            throw new IllegalStateException("a stored ratchet record cannot be read", e);
        }
    }

    /** The peer's certificate, parsed and checked anew: for rare paths (migration, held sends), not per message. */
    Optional<DeviceCertificate> certificate() {
        return certificate(new VerifiedCertificates());
    }

    Optional<DeviceCertificate> certificate(VerifiedCertificates certificates) {
        if (peerCertificate.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(certificates.parse(peerCertificate.get()));
        } catch (CertificateException e) {
            throw new IllegalStateException("a stored peer certificate no longer parses", e);
        }
    }

    byte[] encode() {
        return new RecordCodec.Writer(VERSION)
                .field(new byte[] {(byte) origin.ordinal()})
                .field(ratchet)
                .optional(peerCertificate)
                .optional(sas.map(s -> s.getBytes(StandardCharsets.US_ASCII)))
                .optional(pendingConfirmation)
                .optional(owedReplyTranscript)
                .optional(firstMessageDigest)
                .optional(continuity.map(c -> new byte[] {(byte) c.ordinal()}))
                .toByteArray();
    }

    private static Continuity continuity(byte[] field) {
        if (field.length != 1 || field[0] < 0 || field[0] >= Continuity.values().length) {
            throw new IllegalStateException("a stored session record has a bad continuity");
        }
        return Continuity.values()[field[0]];
    }

    static SessionRecord decode(byte[] record) {
        try {
            boolean withContinuity = record.length == 0 || record[0] != VERSION_WITHOUT_CONTINUITY;
            RecordCodec.Reader in = new RecordCodec.Reader(record, withContinuity ? VERSION : VERSION_WITHOUT_CONTINUITY);
            byte[] origin = in.field();
            if (origin.length != 1 || origin[0] < 0 || origin[0] >= SessionOrigin.values().length) {
                throw new RecordCodec.MalformedRecordException("bad session origin");
            }
            SessionRecord decoded = new SessionRecord(SessionOrigin.values()[origin[0]], in.field(), in.optional(),
                    in.optional().map(b -> new String(b, StandardCharsets.US_ASCII)), in.optional(), in.optional(),
                    in.optional(), withContinuity ? in.optional().map(SessionRecord::continuity) : Optional.empty());
            in.end();
            return decoded;
        } catch (RecordCodec.MalformedRecordException e) {
            throw new IllegalStateException("a stored session record cannot be read: " + e.getMessage(), e);
        }
    }
}
