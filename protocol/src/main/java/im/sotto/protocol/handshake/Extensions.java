package im.sotto.protocol.handshake;

import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The extensions field of an identified handshake payload: entries {@code u8 type || vec16 value}, types strictly
 * increasing. Unknown types are skipped, so later versions can add entries that older peers ignore.
 */
final class Extensions {
    static final int RETAINED_SECRET_PROOF = 0x01;
    static final int RETAINED_SECRET_CONFIRMATION = 0x02;
    /** The sender's optional account certification ({@link AttachedCertification}, docs/protocol.md 4.13). */
    static final int ACCOUNT_CERTIFICATION = 0x03;
    /**
     * Empty value: "I hold retained secrets for you and this mode brought me no proof from you; answer with a
     * CONTINUITY_CONFIRM frame" ({@link LateConfirmation}, docs/protocol.md 4.11).
     */
    static final int CONFIRMATION_REQUEST = 0x04;

    private final Map<Integer, byte[]> entries;

    private Extensions(Map<Integer, byte[]> entries) {
        this.entries = entries;
    }

    static Builder builder() {
        return new Builder();
    }

    static Extensions parse(byte[] encoded) throws MalformedInputException {
        ByteReader r = new ByteReader(encoded);
        Map<Integer, byte[]> entries = new TreeMap<>();
        int previous = -1;
        while (r.remaining() > 0) {
            int type = r.u8();
            if (type <= previous) {
                throw new MalformedInputException("extension types must increase strictly");
            }
            previous = type;
            entries.put(type, r.vector16(Payloads.MAX_EXTENSIONS_LENGTH, "extension"));
        }
        return new Extensions(entries);
    }

    Optional<byte[]> get(int type) {
        return Optional.ofNullable(entries.get(type)).map(byte[]::clone);
    }

    static final class Builder {
        private final Map<Integer, byte[]> entries = new TreeMap<>();

        Builder put(int type, byte[] value) {
            entries.put(type, value.clone());
            return this;
        }

        byte[] encode() {
            ByteWriter w = new ByteWriter();
            entries.forEach((type, value) -> w.u8(type).vector16(value));
            return w.toByteArray();
        }
    }
}
