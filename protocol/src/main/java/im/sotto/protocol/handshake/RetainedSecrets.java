package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.Optional;

/**
 * The secrets retained from earlier sessions with one peer device, as in ZRTP: the newest (rs1) and the one before
 * (rs2), so that a session whose last step reached only one side still matches next time. Each is 32 bytes.
 */
public final class RetainedSecrets {
    static final int LENGTH = 32;
    private final SecretBytes newest;
    private final SecretBytes previous;

    public RetainedSecrets(SecretBytes newest, SecretBytes previous) {
        if (newest == null || newest.length() != LENGTH || previous != null && previous.length() != LENGTH) {
            throw new IllegalArgumentException("retained secrets are 32 bytes; the newest is required");
        }
        this.newest = newest;
        this.previous = previous;
    }

    public SecretBytes newest() {
        return newest;
    }

    public Optional<SecretBytes> previous() {
        return Optional.ofNullable(previous);
    }

    /** The record the store keeps (encrypted at rest, like every secret). */
    public byte[] toRecord() {
        return new ByteWriter().u8(1).bytes(newest.reveal()).u8(previous == null ? 0 : 1)
                .bytes(previous == null ? new byte[0] : previous.reveal()).toByteArray();
    }

    public static RetainedSecrets fromRecord(byte[] record) throws MalformedInputException {
        ByteReader r = new ByteReader(record);
        if (r.u8() != 1) {
            throw new MalformedInputException("unknown retained-secret record version");
        }
        SecretBytes newest = SecretBytes.copyOf(r.bytes(LENGTH));
        int hasPrevious = r.u8();
        if (hasPrevious > 1) {
            throw new MalformedInputException("bad flag");
        }
        SecretBytes previous = hasPrevious == 1 ? SecretBytes.copyOf(r.bytes(LENGTH)) : null;
        r.expectEnd();
        return new RetainedSecrets(newest, previous);
    }

    @Override
    public String toString() {
        return "RetainedSecrets[" + (previous == null ? 1 : 2) + ", redacted]";
    }
}
