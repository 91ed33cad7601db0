package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.testing.FuzzCorpus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fuzz test of the binding's session record (docs/reliability.md, "Fuzzing"): any bytes decode or throw
 * {@link IllegalStateException} ("a stored session record cannot be read"), and a record that decodes encodes within
 * the store's limit to bytes that decode to the same record again. Seeds: versions 1, 2 and 3, the last with
 * replaced sessions.
 */
class SessionRecordFuzzTest {

    @FuzzTest
    void decode(byte[] data) {
        SessionRecord record;
        try {
            record = SessionRecord.decode(data);
        } catch (IllegalStateException expected) {
            return;
        }
        byte[] encoded = record.encode();
        assertTrue(encoded.length <= Records.MAX_RECORD_LENGTH, encoded.length + " bytes");
        assertArrayEquals(encoded, SessionRecord.decode(encoded).encode(), "a decoded record re-encodes stably");
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("protocol", SessionRecordFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, byte[]> valid = new LinkedHashMap<>();
        valid.put("v1", new RecordCodec.Writer(1).field(new byte[] {1}).field(new byte[] {4, 5})
                .optional(Optional.empty()).optional(Optional.empty()).optional(Optional.empty())
                .optional(Optional.empty()).optional(Optional.of(new byte[32])).toByteArray());
        valid.put("v2", new RecordCodec.Writer(2).field(new byte[] {0}).field(new byte[] {7, 8})
                .optional(Optional.of(new byte[] {9, 9})).optional(Optional.of(new byte[] {'A', 'B'}))
                .optional(Optional.empty()).optional(Optional.empty()).optional(Optional.empty())
                .optional(Optional.of(new byte[] {0})).toByteArray());
        SessionRecord first = record(1);
        valid.put("v3", first.encode());
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        SessionRecord second = record(2).replacing(Optional.of(first.encode()), t);
        valid.put("v3-previous", record(3).replacing(Optional.of(second.encode()), t.plusSeconds(1)).encode());
        return Map.of("decode", valid);
    }

    private static SessionRecord record(int marker) {
        return SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, new byte[] {(byte) marker, 1, 2})
                .peerCertificate(new byte[] {(byte) marker}).sas("SAS" + marker).owedReplyTranscript(new byte[] {5})
                .firstMessageDigest(new byte[] {(byte) marker, 6}).continuity(Continuity.CONFIRMED).build();
    }
}
