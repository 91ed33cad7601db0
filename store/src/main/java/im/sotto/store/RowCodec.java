package im.sotto.store;

import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The plaintext layouts inside encrypted columns, on the {@code wire} codec (docs/protocol.md, "Stored records").
 * Decoding is strict: a value that decrypted but does not parse is a {@link StoreFailureException}, never a default.
 */
final class RowCodec {
    private RowCodec() {}

    static byte[] peer(String peer) {
        return SessionAddress.checkPeer(peer).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] address(SessionAddress a) {
        return new ByteWriter().vector16(peer(a.peer())).u64(a.deviceId()).toByteArray();
    }

    static SessionAddress parseAddress(byte[] encoded) {
        try {
            ByteReader r = new ByteReader(encoded);
            SessionAddress a = readAddress(r);
            r.expectEnd();
            return a;
        } catch (MalformedInputException | IllegalArgumentException e) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "stored address does not parse", e);
        }
    }

    static byte[] queued(String peer, byte[] stanza) {
        return new ByteWriter().vector16(peer(peer)).bytes(stanza).toByteArray();
    }

    /** A queued row's plaintext: the peer account it is for, and the stanza (the rest of the row). */
    record QueuedRow(String peer, byte[] stanza) {}

    static QueuedRow parseQueued(byte[] encoded) {
        try {
            ByteReader r = new ByteReader(encoded);
            String peer = new String(r.vector16(SessionAddress.MAX_PEER_BYTES, "peer"), StandardCharsets.UTF_8);
            return new QueuedRow(SessionAddress.checkPeer(peer), r.rest());
        } catch (MalformedInputException | IllegalArgumentException e) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "stored queue entry does not parse", e);
        }
    }

    static byte[] logEntry(LogEntry e) {
        byte[] content = e.content();
        return new ByteWriter().u8(e.direction().ordinal()).bytes(address(e.peer()))
                .vector16(e.stanzaId().getBytes(StandardCharsets.UTF_8)).u64(e.time().toEpochMilli())
                .vector32(content).toByteArray();
    }

    static LogEntry parseLogEntry(byte[] encoded) {
        try {
            ByteReader r = new ByteReader(encoded);
            int direction = r.u8();
            if (direction >= LogEntry.Direction.values().length) {
                throw new MalformedInputException(MalformedInputException.Kind.OUT_OF_RANGE,
                        "unknown direction " + direction);
            }
            SessionAddress peer = readAddress(r);
            String stanzaId = new String(r.vector16(LogEntry.MAX_STANZA_ID_BYTES, "stanza id"), StandardCharsets.UTF_8);
            long millis = r.u64();
            byte[] content = r.vector32(Records.MAX_RECORD_LENGTH, "content");
            r.expectEnd();
            return new LogEntry(LogEntry.Direction.values()[direction], peer, stanzaId, Instant.ofEpochMilli(millis),
                    content);
        } catch (MalformedInputException | IllegalArgumentException e) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "stored log entry does not parse", e);
        }
    }

    private static SessionAddress readAddress(ByteReader r) throws MalformedInputException {
        String peer = new String(r.vector16(SessionAddress.MAX_PEER_BYTES, "peer"), StandardCharsets.UTF_8);
        return new SessionAddress(peer, r.u64());
    }

    static byte[] u64(long v) {
        return new ByteWriter().u64(v).toByteArray();
    }
}
