package im.sotto.protocol.trust;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The trust record, format 1 (docs/protocol.md section 8.3). Every field is present exactly once in a fixed order;
 * optional fields carry a 0/1 presence byte; device ids are strictly increasing; the JID must be in canonical form.
 */
final class ContactTrustCodec {
    static final int VERSION = 1;
    /** A canonical bare JID: two parts of at most 1023 bytes and the '@'. */
    private static final int MAX_JID_BYTES = 2 * BareJid.MAX_PART_BYTES + 1;

    private ContactTrustCodec() {}

    static byte[] encode(ContactTrust t) {
        ByteWriter w = new ByteWriter().u8(VERSION)
                .vector16(t.peer.toString().getBytes(StandardCharsets.UTF_8))
                .bytes(t.pinnedKey.bytes())
                .u8(t.pinnedBy.code())
                .u64(t.pinnedAt.getEpochSecond())
                .u8(t.distrusted ? 1 : 0);
        if (t.sasVerifiedAt == null) {
            w.u8(0);
        } else {
            w.u8(1).u64(t.sasVerifiedAt.getEpochSecond());
        }
        Certification c = t.certification;
        if (c == null) {
            w.u8(0);
        } else {
            w.u8(1).u8(c.method().code()).u64(c.checkedAt().getEpochSecond()).u64(c.validUntil().getEpochSecond())
                    .vector16(c.subject().getBytes(StandardCharsets.UTF_8))
                    .vector16(c.issuer().getBytes(StandardCharsets.UTF_8));
        }
        if (t.changedKey == null) {
            w.u8(0);
        } else {
            w.u8(1).bytes(t.changedKey.bytes());
        }
        writeIds(w, t.approved);
        writeIds(w, t.pending);
        return w.toByteArray();
    }

    static ContactTrust decode(byte[] record) throws TrustRecordException {
        if (record == null) {
            throw new TrustRecordException("no trust record");
        }
        try {
            ByteReader r = new ByteReader(record);
            int version = r.u8();
            if (version != VERSION) {
                throw new TrustRecordException("unknown trust record version " + version);
            }
            String jidText = utf8(r.vector16(MAX_JID_BYTES, "peer JID"));
            BareJid peer = BareJid.tryParse(jidText)
                    .filter(j -> j.toString().equals(jidText))
                    .orElseThrow(() -> new TrustRecordException("peer JID is not a canonical bare JID"));
            AccountPublicKey pinned = AccountPublicKey.of(r.bytes(Ed25519.PUBLIC_KEY_LENGTH));
            TrustSource pinnedBy = source(r.u8());
            Instant pinnedAt = instant(r.u64());
            boolean distrusted = flag(r);
            Instant sas = flag(r) ? instant(r.u64()) : null;
            Certification cert = flag(r) ? certification(r) : null;
            AccountPublicKey changed = flag(r) ? AccountPublicKey.of(r.bytes(Ed25519.PUBLIC_KEY_LENGTH)) : null;
            SortedSet<Long> approved = readIds(r);
            SortedSet<Long> pending = readIds(r);
            r.expectEnd();
            return new ContactTrust(peer, pinned, pinnedBy, pinnedAt, distrusted, sas, cert, changed, approved,
                    pending);
        } catch (MalformedInputException | IllegalArgumentException | DateTimeException e) {
            throw new TrustRecordException("bad trust record: " + e.getMessage());
        }
    }

    private static Certification certification(ByteReader r) throws MalformedInputException, TrustRecordException {
        TrustSource method = source(r.u8());
        Instant checkedAt = instant(r.u64());
        Instant validUntil = instant(r.u64());
        String subject = utf8(r.vector16(Certification.MAX_TEXT_BYTES, "subject"));
        String issuer = utf8(r.vector16(Certification.MAX_TEXT_BYTES, "issuer"));
        return new Certification(method, subject, issuer, checkedAt, validUntil);
    }

    private static void writeIds(ByteWriter w, SortedSet<Long> ids) {
        w.u16(ids.size());
        ids.forEach(w::u32);
    }

    private static SortedSet<Long> readIds(ByteReader r) throws MalformedInputException, TrustRecordException {
        int count = r.u16();
        if (count > ContactTrust.MAX_DEVICES) {
            throw new TrustRecordException("more than " + ContactTrust.MAX_DEVICES + " devices");
        }
        SortedSet<Long> ids = new TreeSet<>();
        long previous = -1;
        for (int i = 0; i < count; i++) {
            long id = r.u32();
            if (id <= previous) {
                throw new TrustRecordException("device ids not strictly increasing");
            }
            ids.add(id);
            previous = id;
        }
        return ids;
    }

    private static boolean flag(ByteReader r) throws MalformedInputException, TrustRecordException {
        int v = r.u8();
        if (v > 1) {
            throw new TrustRecordException("bad presence byte " + v);
        }
        return v == 1;
    }

    private static TrustSource source(int code) throws TrustRecordException {
        TrustSource s = TrustSource.ofCode(code);
        if (s == null) {
            throw new TrustRecordException("unknown trust source " + code);
        }
        return s;
    }

    private static Instant instant(long epochSecond) throws TrustRecordException {
        if (epochSecond < 0 || epochSecond > Instant.MAX.getEpochSecond()) {
            throw new TrustRecordException("time out of range");
        }
        return Instant.ofEpochSecond(epochSecond);
    }

    private static String utf8(byte[] bytes) throws TrustRecordException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new TrustRecordException("text is not UTF-8");
        }
    }

    /** The longest prefix of {@code text}, at a code point boundary, that fits {@link Certification#MAX_TEXT_BYTES}. */
    static String fitText(String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= Certification.MAX_TEXT_BYTES) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > Certification.MAX_TEXT_BYTES) {
                break;
            }
            sb.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }
}
