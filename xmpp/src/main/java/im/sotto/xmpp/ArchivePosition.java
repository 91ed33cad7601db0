package im.sotto.xmpp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import im.sotto.protocol.session.RecordCodec;
import im.sotto.protocol.store.Stores;

/**
 * What {@link ArchiveCatchUp} keeps in the core's archive cursor: the server's archive id of the last archived stanza
 * processed ({@link #FROM_THE_START} when the archive was empty), when that was (to go by time if the server forgot
 * the id), and the message log's sequence number then. Layout (version 1, {@link RecordCodec} fields): id (UTF-8),
 * epoch milliseconds (8 bytes), log sequence (8 bytes).
 */
record ArchivePosition(String archiveId, Instant markedAt, long logSequence) {
    /** The archive was empty when the position was taken: catch-up starts at its beginning. */
    static final String FROM_THE_START = "";
    private static final int VERSION = 1;

    static Optional<ArchivePosition> loadIfPresent(Stores stores) {
        return stores.archiveCursor().load().map(ArchivePosition::decode);
    }

    /** The stored position, or the start of the log when there is none yet. */
    static ArchivePosition load(Stores stores) {
        return loadIfPresent(stores).orElse(new ArchivePosition(FROM_THE_START, Instant.EPOCH, 0));
    }

    byte[] encode() {
        return new RecordCodec.Writer(VERSION)
                .field(archiveId.getBytes(StandardCharsets.UTF_8))
                .field(ByteBuffer.allocate(Long.BYTES).putLong(markedAt.toEpochMilli()).array())
                .field(ByteBuffer.allocate(Long.BYTES).putLong(logSequence).array())
                .toByteArray();
    }

    static ArchivePosition decode(byte[] record) {
        try {
            RecordCodec.Reader in = new RecordCodec.Reader(record, VERSION);
            String id = new String(in.field(), StandardCharsets.UTF_8);
            long millis = eightBytes(in.field());
            long sequence = eightBytes(in.field());
            in.end();
            return new ArchivePosition(id, Instant.ofEpochMilli(millis), sequence);
        } catch (RecordCodec.MalformedRecordException e) {
            throw new IllegalStateException("the stored archive cursor cannot be read: " + e.getMessage(), e);
        }
    }

    private static long eightBytes(byte[] field) throws RecordCodec.MalformedRecordException {
        if (field.length != Long.BYTES) {
            throw new RecordCodec.MalformedRecordException("a number field is not 8 bytes");
        }
        return ByteBuffer.wrap(field).getLong();
    }
}
