package im.sotto.protocol.store;

import java.util.Objects;

/** The checks every store applies to an opaque record before keeping it. */
public final class Records {
    /**
     * Upper bound on one record. The largest record the core writes is a ratchet session holding its maximum of
     * skipped message keys (2,000 keys of about 80 bytes with their header keys: under 200 KiB); 1 MiB leaves room
     * for growth while keeping a corrupted length from allocating without bound.
     */
    public static final int MAX_RECORD_LENGTH = 1 << 20;

    private Records() {}

    /** A defensive copy of {@code record}, after checking it is non-empty and within {@link #MAX_RECORD_LENGTH}. */
    public static byte[] checkedCopy(byte[] record) {
        Objects.requireNonNull(record, "record");
        if (record.length == 0 || record.length > MAX_RECORD_LENGTH) {
            throw new IllegalArgumentException("record must be 1.." + MAX_RECORD_LENGTH + " bytes");
        }
        return record.clone();
    }
}
