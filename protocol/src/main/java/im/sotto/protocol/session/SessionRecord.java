package im.sotto.protocol.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.trust.Continuity;

/**
 * What a device keeps per peer device in the session store: the ratchet's own record plus the facts around it.
 * Layout (version 1, {@link RecordCodec} fields): origin, ratchet record, peer certificate (empty until known),
 * SAS (empty when none), pending confirmation (an offline sender waiting for the recipient's first reply), owed
 * reply transcript hash (an offline recipient whose next message must be the first reply), digest of the first
 * message that started the session (to recognise it when it is delivered again); version 2 adds the continuity an
 * online handshake reported (empty for offline sessions); version 3 adds the sessions this one replaced, kept for
 * receiving only ({@link PreviousSessions}): a count (one byte), then per session the time it was replaced (u64
 * milliseconds) and its own version 3 record with a count of 0; version 4 appends, after those, what the session
 * may have to send again ({@link Resends}; previous sessions' own records hold none). Versions 1 to 3 are still read
 * (no previous sessions before 3, nothing to send again before 4). The previous sessions are cut (oldest first) so that the whole record stays within the store's limit.
 * A new record is made with {@link #builder}; the canonical constructor is public only because a record's must be.
 */
public record SessionRecord(SessionOrigin origin, byte[] ratchet, Optional<byte[]> peerCertificate, Optional<String> sas,
        Optional<byte[]> pendingConfirmation, Optional<byte[]> owedReplyTranscript, Optional<byte[]> firstMessageDigest,
        Optional<Continuity> continuity, PreviousSessions previous, Resends resends) {
    private static final int VERSION = 4;
    private static final int VERSION_WITHOUT_RESENDS = 3;
    private static final int VERSION_WITHOUT_PREVIOUS = 2;
    private static final int VERSION_WITHOUT_CONTINUITY = 1;
    /** Fields before the previous sessions: the eight of version 2 and the count (origin and count one byte each). */
    private static final int FIELDS = 9;

    public SessionRecord {
        previous = previous.fitting(Records.MAX_RECORD_LENGTH - lengthWithoutPrevious(ratchet, peerCertificate, sas,
                pendingConfirmation, owedReplyTranscript, firstMessageDigest, continuity) - 4
                - resends.encodedLength());
    }

    /** A new session that began as {@code origin} with the ratchet record {@code ratchet}, replacing none. */
    public static Builder builder(SessionOrigin origin, byte[] ratchet) {
        return new Builder(origin, ratchet);
    }

    /** The optional facts of a new session; each absent unless set. */
    public static final class Builder {
        private final SessionOrigin origin;
        private final byte[] ratchet;
        private Optional<byte[]> peerCertificate = Optional.empty();
        private Optional<String> sas = Optional.empty();
        private Optional<byte[]> pendingConfirmation = Optional.empty();
        private Optional<byte[]> owedReplyTranscript = Optional.empty();
        private Optional<byte[]> firstMessageDigest = Optional.empty();
        private Optional<Continuity> continuity = Optional.empty();

        private Builder(SessionOrigin origin, byte[] ratchet) {
            this.origin = origin;
            this.ratchet = ratchet;
        }

        /** The peer's certificate, once the peer proved it. */
        public Builder peerCertificate(byte[] encoded) {
            peerCertificate = Optional.of(encoded);
            return this;
        }

        public Builder peerCertificate(Optional<byte[]> encoded) {
            peerCertificate = encoded;
            return this;
        }

        /** The short authentication string of an online handshake. */
        public Builder sas(String value) {
            sas = Optional.of(value);
            return this;
        }

        public Builder sas(Optional<String> value) {
            sas = value;
            return this;
        }

        /** An offline sender's wait for the recipient's first reply. */
        public Builder pendingConfirmation(byte[] encoded) {
            pendingConfirmation = Optional.of(encoded);
            return this;
        }

        /** An offline recipient's transcript hash: its next message must be the first reply. */
        public Builder owedReplyTranscript(byte[] hash) {
            owedReplyTranscript = Optional.of(hash);
            return this;
        }

        /** The digest of the first message that started the session, to recognise it delivered again. */
        public Builder firstMessageDigest(byte[] digest) {
            firstMessageDigest = Optional.of(digest);
            return this;
        }

        /** The continuity an online handshake reported. */
        public Builder continuity(Continuity value) {
            continuity = Optional.of(value);
            return this;
        }

        public Builder continuity(Optional<Continuity> value) {
            continuity = value;
            return this;
        }

        public SessionRecord build() {
            return new SessionRecord(origin, ratchet, peerCertificate, sas, pendingConfirmation, owedReplyTranscript,
                    firstMessageDigest, continuity, PreviousSessions.NONE, Resends.NONE);
        }
    }

    public SessionRecord withRatchet(byte[] newRatchet) {
        return new SessionRecord(origin, newRatchet, peerCertificate, sas, pendingConfirmation, owedReplyTranscript,
                firstMessageDigest, continuity, previous, resends);
    }

    public SessionRecord confirmed(byte[] newRatchet, DeviceCertificate recipient) {
        return new SessionRecord(origin, newRatchet, Optional.of(recipient.encoded()), sas, Optional.empty(),
                owedReplyTranscript, firstMessageDigest, continuity, previous, resends);
    }

    public SessionRecord replySent(byte[] newRatchet) {
        return new SessionRecord(origin, newRatchet, peerCertificate, sas, pendingConfirmation, Optional.empty(),
                firstMessageDigest, continuity, previous, resends);
    }

    public SessionRecord withPrevious(PreviousSessions newPrevious) {
        return new SessionRecord(origin, ratchet, peerCertificate, sas, pendingConfirmation, owedReplyTranscript,
                firstMessageDigest, continuity, newPrevious, resends);
    }

    /** This record with {@code newResends} (what it may send again, docs/protocol.md 7.3). */
    public SessionRecord withResends(Resends newResends) {
        return new SessionRecord(origin, ratchet, peerCertificate, sas, pendingConfirmation, owedReplyTranscript,
                firstMessageDigest, continuity, previous, newResends);
    }

    /**
     * This new session in place of {@code stored} (the device's record so far, if any): the session it held becomes
     * the newest previous one, for what the peer sent under it and is still on the way. An unreadable old record is
     * dropped, as it was before previous sessions were kept.
     */
    public SessionRecord replacing(Optional<byte[]> stored, Instant now) {
        if (stored.isEmpty()) {
            return this;
        }
        SessionRecord old;
        try {
            old = decode(stored.get());
        } catch (IllegalStateException e) {
            return this;
        }
        return withPrevious(PreviousSessions.afterReplacing(old, now));
    }

    /** True if this session, or one it replaced, was started by the first message with {@code digest}. */
    public boolean startedBy(byte[] digest) {
        if (firstMessageDigest.map(d -> MessageDigest.isEqual(d, digest)).orElse(false)) {
            return true;
        }
        return previous.entries().stream().anyMatch(e -> e.session().startedBy(digest));
    }

    /** Bytes {@link #encode()} writes. */
    int encodedLength() {
        int length = lengthWithoutPrevious(ratchet, peerCertificate, sas, pendingConfirmation, owedReplyTranscript,
                firstMessageDigest, continuity);
        for (PreviousSessions.Entry e : previous.entries()) {
            length += e.encodedLength();
        }
        return length + 4 + resends.encodedLength();
    }

    private static int lengthWithoutPrevious(byte[] ratchet, Optional<byte[]> peerCertificate, Optional<String> sas,
            Optional<byte[]> pendingConfirmation, Optional<byte[]> owedReplyTranscript,
            Optional<byte[]> firstMessageDigest, Optional<Continuity> continuity) {
        return 1 + 4 * FIELDS + 1 + 1 + ratchet.length + peerCertificate.map(b -> b.length).orElse(0)
                + sas.map(String::length).orElse(0) + pendingConfirmation.map(b -> b.length).orElse(0)
                + owedReplyTranscript.map(b -> b.length).orElse(0) + firstMessageDigest.map(b -> b.length).orElse(0)
                + continuity.map(c -> 1).orElse(0);
    }

    /**
     * Whether content may go out under this session, {@code session} being its ratchet (docs/protocol.md 7.3): one
     * made by an online handshake only once the peer's device has sent something under it (its confirmation; a
     * straggler under a replaced session does not count, it opens under that one). Read from the stored ratchet, so
     * a sender restarted before the confirmation still holds its content back; an in-memory mark did not, and the
     * content went out under a session the responder might never have stored. The responder's side needs no mark:
     * its ratchet cannot encrypt before it received the initiator's first message.
     */
    public boolean carriesContent(RatchetSession session) {
        return origin != SessionOrigin.ONLINE_HANDSHAKE || session.receivedHighWater() > 0;
    }

    /** The Double Ratchet session this record keeps, running on the account's {@code random} and {@code clock}. */
    public RatchetSession ratchetSession(SecureRandom random, Clock clock) {
        try {
            return RatchetSession.fromRecord(ratchet, random, clock);
        } catch (RatchetRecordException | RuntimeException e) {
            throw new IllegalStateException("a stored ratchet record cannot be read", e);
        }
    }

    /**
     * The cipher suite of this session's ratchet, read from its record's header without decoding the ratchet: for a
     * status display, which shows no key material.
     */
    public CipherSuite suite() {
        try {
            return RatchetSession.suiteOf(ratchet);
        } catch (RatchetRecordException e) {
            throw new IllegalStateException("a stored session record cannot be read: " + e.getMessage(), e);
        }
    }

    /** The peer's certificate, parsed and checked anew: for rare paths (migration, held sends), not per message. */
    Optional<DeviceCertificate> certificate() {
        return certificate(new VerifiedCertificates());
    }

    public Optional<DeviceCertificate> certificate(VerifiedCertificates certificates) {
        if (peerCertificate.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(certificates.parse(peerCertificate.get()));
        } catch (CertificateException e) {
            throw new IllegalStateException("a stored peer certificate no longer parses", e);
        }
    }

    public byte[] encode() {
        RecordCodec.Writer out = new RecordCodec.Writer(VERSION)
                .field(new byte[] {(byte) origin.ordinal()})
                .field(ratchet)
                .optional(peerCertificate)
                .optional(sas.map(s -> s.getBytes(StandardCharsets.US_ASCII)))
                .optional(pendingConfirmation)
                .optional(owedReplyTranscript)
                .optional(firstMessageDigest)
                .optional(continuity.map(c -> new byte[] {(byte) c.ordinal()}));
        out.field(new byte[] {(byte) previous.entries().size()});
        for (PreviousSessions.Entry e : previous.entries()) {
            out.field(e.encodedTime()).field(e.session().encode());
        }
        out.field(resends.encode());
        return out.toByteArray();
    }

    private static Continuity continuity(byte[] field) {
        if (field.length != 1 || field[0] < 0 || field[0] >= Continuity.values().length) {
            throw new IllegalStateException("a stored session record has a bad continuity");
        }
        return Continuity.values()[field[0]];
    }

    public static SessionRecord decode(byte[] record) {
        return decode(record, true);
    }

    /** {@code withPrevious} false for a previous session's own record, which must hold none (no recursion). */
    private static SessionRecord decode(byte[] record, boolean withPrevious) {
        try {
            int version = record.length == 0 ? VERSION : record[0];
            RecordCodec.Reader in = new RecordCodec.Reader(record, version == VERSION_WITHOUT_CONTINUITY
                    || version == VERSION_WITHOUT_PREVIOUS || version == VERSION_WITHOUT_RESENDS ? version : VERSION);
            byte[] origin = in.field();
            if (origin.length != 1 || origin[0] < 0 || origin[0] >= SessionOrigin.values().length) {
                throw new RecordCodec.MalformedRecordException("bad session origin");
            }
            SessionRecord decoded = new SessionRecord(SessionOrigin.values()[origin[0]], in.field(), in.optional(),
                    in.optional().map(b -> new String(b, StandardCharsets.US_ASCII)), in.optional(), in.optional(),
                    in.optional(), version == VERSION_WITHOUT_CONTINUITY ? Optional.empty()
                            : in.optional().map(SessionRecord::continuity),
                    version >= VERSION_WITHOUT_RESENDS ? previous(in, withPrevious) : PreviousSessions.NONE,
                    version == VERSION ? resends(in, withPrevious) : Resends.NONE);
            in.end();
            return decoded;
        } catch (RecordCodec.MalformedRecordException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored session record cannot be read: " + e.getMessage(), e);
        }
    }

    private static Resends resends(RecordCodec.Reader in, boolean allowed)
            throws RecordCodec.MalformedRecordException {
        Resends resends = Resends.decode(in.field());
        if (!allowed && !resends.isEmpty()) {
            throw new RecordCodec.MalformedRecordException("a previous session holds messages to send again");
        }
        return resends;
    }

    private static PreviousSessions previous(RecordCodec.Reader in, boolean allowed)
            throws RecordCodec.MalformedRecordException {
        byte[] count = in.field();
        if (count.length != 1 || count[0] < 0 || count[0] > (allowed ? PreviousSessions.MAX_PREVIOUS_SESSIONS : 0)) {
            throw new RecordCodec.MalformedRecordException("bad count of previous sessions");
        }
        List<PreviousSessions.Entry> entries = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            byte[] time = in.field();
            if (time.length != Long.BYTES) {
                throw new RecordCodec.MalformedRecordException("bad replacement time");
            }
            SessionRecord nested = decode(in.field(), false);
            entries.add(new PreviousSessions.Entry(nested, Instant.ofEpochMilli(ByteBuffer.wrap(time).getLong())));
        }
        return new PreviousSessions(entries);
    }
}
