package im.sotto.protocol.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * One entry of the store's outbound queue, typed (docs/protocol.md 11.4): a stanza waiting to be encrypted, or an
 * encrypted copy kept until the server acknowledged it. The queue once told three kinds apart by ASCII prefixes;
 * {@link #decode} still reads those rows, and every row written now starts with {@link #FORMAT}, a byte no prefix
 * starts with.
 */
public sealed interface OutboundRecord {
    /** The first byte of a typed record (the old prefixed rows start with 's', 0x73). */
    int FORMAT = 1;
    /** Stanza XML kept per record: the store's record limit, less room for the header and a failure's text. */
    int MAX_XML_BYTES = im.sotto.protocol.store.Records.MAX_RECORD_LENGTH - 4096;
    /** The reason text kept with a failed attempt, cut to this many UTF-8 bytes (it is shown, never parsed). */
    int MAX_REASON_BYTES = 1024;

    /**
     * A stanza (message or directed presence) the user sent that waits to be encrypted. {@code queuedAt} is when the
     * user sent it (empty for rows queued before it was kept); {@code lastFailure} what the last attempt met, if one
     * failed for a reason that may pass (shown by an outbox listing, never interpreted).
     */
    record Waiting(Optional<Instant> queuedAt, String stanzaXml, Optional<Failure> lastFailure)
            implements OutboundRecord {
        public Waiting {
            Objects.requireNonNull(queuedAt, "queuedAt");
            Objects.requireNonNull(stanzaXml, "stanzaXml");
            Objects.requireNonNull(lastFailure, "lastFailure");
        }

        public Waiting failed(Failure failure) {
            return new Waiting(queuedAt, stanzaXml, Optional.of(failure));
        }
    }

    /** Why the last attempt to send a {@link Waiting} stanza failed: the binding's reason name and its detail. */
    record Failure(String reason, String detail) {
        public Failure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The encrypted outer stanza, kept from the transaction that encrypted it until the server acknowledged it. */
    record Unacknowledged(String outerXml) implements OutboundRecord {
        public Unacknowledged {
            Objects.requireNonNull(outerXml, "outerXml");
        }
    }

    /**
     * A chat message body the command-line client kept in its own outbox before the queue was typed (rows with the
     * prefix {@code "sotto-cli message v1\n"}): read only, the binding turns it into a {@link Waiting} stanza.
     */
    record LegacyMessageBody(String body) implements OutboundRecord {
        public LegacyMessageBody {
            Objects.requireNonNull(body, "body");
        }
    }

    int KIND_WAITING = 1;
    int KIND_UNACKNOWLEDGED = 2;

    /** The record's bytes; a {@link LegacyMessageBody} is never written. */
    static byte[] encode(OutboundRecord record) {
        ByteWriter w = new ByteWriter().u8(FORMAT);
        if (record instanceof Waiting waiting) {
            w.u8(KIND_WAITING).i64(waiting.queuedAt().map(Instant::toEpochMilli).orElse(-1L));
            w.flag(waiting.lastFailure().isPresent());
            waiting.lastFailure().ifPresent(f -> w.vector16(utf8(f.reason(), MAX_REASON_BYTES))
                    .vector16(utf8(f.detail(), MAX_REASON_BYTES)));
            return w.vector32(xml(waiting.stanzaXml())).toByteArray();
        }
        if (record instanceof Unacknowledged copy) {
            return w.u8(KIND_UNACKNOWLEDGED).vector32(xml(copy.outerXml())).toByteArray();
        }
        throw new IllegalArgumentException("a legacy outbox row is read, never written");
    }

    /**
     * Reads a queue row: a typed record, or one of the three prefixed rows written before (the stanza rows get no
     * time: it was never stored).
     *
     * @throws IllegalStateException when the row is neither (a damaged store, or a row of another application)
     */
    static OutboundRecord decode(byte[] row) {
        for (Legacy legacy : Legacy.values()) {
            if (legacy.matches(row)) {
                return legacy.read(new String(row, legacy.prefix.length, row.length - legacy.prefix.length,
                        StandardCharsets.UTF_8));
            }
        }
        ByteReader r = new ByteReader(row);
        try {
            if (r.u8() != FORMAT) {
                throw new IllegalStateException("an outbound queue row of an unknown format");
            }
            int kind = r.u8();
            OutboundRecord decoded;
            if (kind == KIND_WAITING) {
                long at = r.i64InRange(-1, Long.MAX_VALUE, "queued at");
                Optional<Failure> failure = Optional.empty();
                if (r.flag()) {
                    failure = Optional.of(new Failure(text(r.vector16(MAX_REASON_BYTES, "reason")),
                            text(r.vector16(MAX_REASON_BYTES, "detail"))));
                }
                decoded = new Waiting(at < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at)),
                        text(r.vector32(MAX_XML_BYTES, "stanza")), failure);
            } else if (kind == KIND_UNACKNOWLEDGED) {
                decoded = new Unacknowledged(text(r.vector32(MAX_XML_BYTES, "outer stanza")));
            } else {
                throw new IllegalStateException("an outbound queue row of unknown kind " + kind);
            }
            r.expectEnd();
            return decoded;
        } catch (MalformedInputException e) {
            throw new IllegalStateException("an outbound queue row cannot be read: " + e.getMessage(), e);
        }
    }

    /** The rows written before the queue was typed, each told by its ASCII prefix. */
    enum Legacy {
        STANZA("sotto-manager stanza v1\n"),
        UNACKNOWLEDGED("sotto-manager unacknowledged v1\n"),
        CLI_MESSAGE("sotto-cli message v1\n");

        private final byte[] prefix;

        Legacy(String prefix) {
            this.prefix = prefix.getBytes(StandardCharsets.US_ASCII);
        }

        /** The row as it was written by the old code, for tests of the migration. */
        public byte[] row(String content) {
            byte[] text = content.getBytes(StandardCharsets.UTF_8);
            byte[] row = Arrays.copyOf(prefix, prefix.length + text.length);
            System.arraycopy(text, 0, row, prefix.length, text.length);
            return row;
        }

        boolean matches(byte[] row) {
            return row.length >= prefix.length && Arrays.equals(row, 0, prefix.length, prefix, 0, prefix.length);
        }

        OutboundRecord read(String content) {
            return switch (this) {
                case STANZA -> new Waiting(Optional.empty(), content, Optional.empty());
                case UNACKNOWLEDGED -> new Unacknowledged(content);
                case CLI_MESSAGE -> new LegacyMessageBody(content);
            };
        }
    }

    private static byte[] xml(String xml) {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_XML_BYTES) {
            throw new IllegalArgumentException("a queued stanza of " + bytes.length + " bytes exceeds " + MAX_XML_BYTES);
        }
        return bytes;
    }

    /** UTF-8, cut at a character boundary to at most {@code max} bytes. */
    private static byte[] utf8(String s, int max) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return bytes;
        }
        int end = max;
        while (end > 0 && (bytes[end] & 0xc0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }

    private static String text(byte[] utf8) throws MalformedInputException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(utf8)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MalformedInputException("text that is not UTF-8");
        }
    }
}
