package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.store.Records;

import org.junit.jupiter.api.Test;

/** The session record's versions and the replaced sessions it keeps for receiving (bounds, order, strictness). */
class SessionRecordVersionsTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static SessionRecord session(int marker, int ratchetLength) {
        byte[] ratchet = new byte[ratchetLength];
        ratchet[0] = (byte) marker;
        return SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, ratchet).sas("SAS" + marker)
                .firstMessageDigest(new byte[] {(byte) marker}).continuity(Continuity.CONFIRMED).build();
    }

    private static List<Integer> markers(SessionRecord record) {
        return record.previous().entries().stream().map(e -> (int) e.session().ratchet()[0]).toList();
    }

    @Test
    void aVersionTwoRecordIsReadWithoutPreviousSessionsAndWrittenBackAsVersionFour() {
        byte[] versionTwo = new RecordCodec.Writer(2)
                .field(new byte[] {(byte) SessionOrigin.ONLINE_HANDSHAKE.ordinal()})
                .field(new byte[] {7, 8})
                .optional(Optional.empty())
                .optional(Optional.of("ABCD".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.of(new byte[] {(byte) Continuity.NEW_PEER.ordinal()}))
                .toByteArray();
        SessionRecord decoded = SessionRecord.decode(versionTwo);
        assertArrayEquals(new byte[] {7, 8}, decoded.ratchet());
        assertEquals(Optional.of("ABCD"), decoded.sas());
        assertEquals(Optional.of(Continuity.NEW_PEER), decoded.continuity());
        assertTrue(decoded.previous().entries().isEmpty());
        byte[] written = decoded.encode();
        assertEquals(4, written[0], "written back as version 4 (nothing to send again)");
        assertEquals(written.length, decoded.encodedLength());
        assertArrayEquals(written, SessionRecord.decode(written).encode());
    }

    @Test
    void replacedSessionsAreKeptNewestFirstUpToTheLimitAndSurviveTheRoundTrip() {
        SessionRecord record = session(1, 100);
        for (int marker = 2; marker <= 5; marker++) {
            record = session(marker, 100).replacing(Optional.of(record.encode()), T0.plusSeconds(marker));
        }
        assertEquals(PreviousSessions.MAX_PREVIOUS_SESSIONS, record.previous().entries().size());
        assertEquals(List.of(4, 3, 2), markers(record), "newest first; the oldest (1) fell off");
        byte[] encoded = record.encode();
        assertEquals(encoded.length, record.encodedLength());
        SessionRecord decoded = SessionRecord.decode(encoded);
        assertEquals(List.of(4, 3, 2), markers(decoded));
        assertEquals(T0.plusSeconds(5), decoded.previous().entries().get(0).replacedAt());
        assertEquals(Optional.of("SAS4"), decoded.previous().entries().get(0).session().sas());
        assertTrue(decoded.startedBy(new byte[] {2}), "a first message that started a replaced session is known");
        assertFalse(decoded.startedBy(new byte[] {1}), "not the one dropped");
        assertArrayEquals(encoded, decoded.encode());
    }

    @Test
    void previousSessionsFitTheirByteBudgetAndTheWholeRecordTheStoreLimit() {
        int large = 100 * 1024;
        SessionRecord record = session(1, large);
        for (int marker = 2; marker <= 4; marker++) {
            record = session(marker, large).replacing(Optional.of(record.encode()), T0);
        }
        assertEquals(List.of(3, 2), markers(record), "two of 100 KiB fit in " + PreviousSessions.MAX_PREVIOUS_BYTES);
        int previousBytes = record.encodedLength() - session(4, large).encodedLength();
        assertTrue(previousBytes <= PreviousSessions.MAX_PREVIOUS_BYTES, previousBytes + " bytes");

        SessionRecord huge = session(9, Records.MAX_RECORD_LENGTH - 120 * 1024).replacing(Optional.of(record.encode()),
                T0);
        assertEquals(List.of(4), markers(huge), "only what fits beside a large current session");
        assertTrue(huge.encode().length <= Records.MAX_RECORD_LENGTH);
        SessionRecord grown = huge.withRatchet(new byte[Records.MAX_RECORD_LENGTH - 1024]);
        assertEquals(List.of(), markers(grown), "a growing current session pushes them out");
        assertTrue(grown.encode().length <= Records.MAX_RECORD_LENGTH);
    }

    @Test
    void aReplacedSessionIsDroppedAfterItsLifetime() {
        SessionRecord record = session(2, 50).replacing(Optional.of(session(1, 50).encode()), T0);
        Instant later = T0.plus(PreviousSessions.LIFETIME);
        assertEquals(List.of(1), markers(record.withPrevious(record.previous().unexpiredAt(later.minusMillis(1)))));
        assertEquals(List.of(), markers(record.withPrevious(record.previous().unexpiredAt(later))));
        SessionRecord third = session(3, 50).replacing(Optional.of(record.encode()), later);
        assertEquals(List.of(2), markers(third), "replacing drops the expired one");
    }

    @Test
    void advancingAPreviousSessionKeepsItsPlaceAndTime() {
        SessionRecord record = session(3, 50).replacing(Optional.of(session(2, 50).replacing(
                Optional.of(session(1, 50).encode()), T0).encode()), T0.plusSeconds(1));
        SessionRecord advanced = session(7, 60);
        SessionRecord next = record.withPrevious(record.previous().with(1, advanced));
        assertEquals(List.of(2, 7), markers(next));
        assertEquals(T0, next.previous().entries().get(1).replacedAt());
        assertArrayEquals(record.ratchet(), next.ratchet(), "the current session is untouched");
    }

    @Test
    void anUnreadableOldRecordIsReplacedWithoutPreviousSessions() {
        SessionRecord record = session(2, 50).replacing(Optional.of(new byte[] {3, 0, 0}), T0);
        assertEquals(List.of(), markers(record));
    }

    @Test
    void malformedPreviousSessionsAreRejected() {
        byte[] inner = session(1, 10).encode();
        byte[] time = ByteBuffer.allocate(8).putLong(T0.toEpochMilli()).array();
        byte[] nestedWithPrevious = session(2, 10).replacing(Optional.of(inner), T0).encode();
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(withPrevious(4, List.of(time, inner,
                time, inner, time, inner, time, inner))), "more than the limit");
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(withPrevious(1,
                List.of(time, nestedWithPrevious))), "a previous session holding previous sessions");
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(withPrevious(1,
                List.of(new byte[7], inner))), "a short time");
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(withPrevious(2, List.of(time, inner))),
                "a count beyond the entries");
        assertEquals(List.of(1), markers(SessionRecord.decode(withPrevious(1, List.of(time, inner)))));
    }

    /** A version 3 record with {@code count} and the given raw fields after the eight of version 2. */
    private static byte[] withPrevious(int count, List<byte[]> fields) {
        RecordCodec.Writer out = new RecordCodec.Writer(3)
                .field(new byte[] {(byte) SessionOrigin.ONLINE_HANDSHAKE.ordinal()})
                .field(new byte[] {42})
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.empty())
                .field(new byte[] {(byte) count});
        fields.forEach(out::field);
        return out.toByteArray();
    }
}
