package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The few protobuf features Signal's message formats use: unsigned varints up to 32 bits (wire type 0) and byte
 * strings (wire type 2). The reader is strict where protobuf is lenient: a field not in the schema, a field of the
 * wrong wire type, a repeated field, an overlong varint or a length past the end are all {@link OmemoFailure#MALFORMED}.
 */
public final class Protobuf {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    /** A uint32 needs at most five 7-bit groups. */
    private static final int MAX_VARINT_BYTES = 5;

    private Protobuf() {}

    /** The field numbers a message may contain, each with its wire type. */
    public static final class Schema {
        private final Map<Integer, Integer> wireTypes = new HashMap<>();

        public Schema varint(int field) {
            wireTypes.put(field, VARINT);
            return this;
        }

        public Schema bytes(int field) {
            wireTypes.put(field, LENGTH_DELIMITED);
            return this;
        }
    }

    /** The fields of one parsed message. */
    public static final class Fields {
        private final Map<Integer, Object> values = new HashMap<>();

        public boolean has(int field) {
            return values.containsKey(field);
        }

        public int uint32(int field, String name) throws OmemoException {
            Object v = values.get(field);
            if (v == null) {
                throw new OmemoException(OmemoFailure.MALFORMED, "missing " + name);
            }
            long value = (Long) v;
            if (value > Integer.MAX_VALUE) {
                // Counters and ids are unsigned in the schema but never reach 2^31 in any implementation.
                throw new OmemoException(OmemoFailure.MALFORMED, name + " out of range");
            }
            return (int) value;
        }

        public byte[] bytes(int field, String name) throws OmemoException {
            Object v = values.get(field);
            if (v == null) {
                throw new OmemoException(OmemoFailure.MALFORMED, "missing " + name);
            }
            return ((byte[]) v).clone();
        }
    }

    public static Fields parse(byte[] data, int offset, Schema schema) throws OmemoException {
        Fields fields = new Fields();
        int position = offset;
        while (position < data.length) {
            long[] key = readVarint(data, position);
            position = (int) key[1];
            long tag = key[0];
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            Integer expected = schema.wireTypes.get(field);
            if (expected == null || expected != wireType) {
                throw new OmemoException(OmemoFailure.MALFORMED, "unexpected field " + field + " type " + wireType);
            }
            if (fields.values.containsKey(field)) {
                throw new OmemoException(OmemoFailure.MALFORMED, "field " + field + " repeated");
            }
            long[] value = readVarint(data, position);
            position = (int) value[1];
            if (wireType == VARINT) {
                fields.values.put(field, value[0]);
            } else {
                if (value[0] > data.length - position) {
                    throw new OmemoException(OmemoFailure.MALFORMED, "field " + field + " runs past the end");
                }
                int length = (int) value[0];
                fields.values.put(field, Arrays.copyOfRange(data, position, position + length));
                position += length;
            }
        }
        return fields;
    }

    /** Returns {value, position after it}. */
    private static long[] readVarint(byte[] data, int start) throws OmemoException {
        long value = 0;
        int position = start;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (position >= data.length) {
                throw new OmemoException(OmemoFailure.MALFORMED, "truncated varint");
            }
            int b = data[position++] & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > 0xFFFF_FFFFL) {
                    throw new OmemoException(OmemoFailure.MALFORMED, "varint above 32 bits");
                }
                return new long[] {value, position};
            }
        }
        throw new OmemoException(OmemoFailure.MALFORMED, "varint longer than 5 bytes");
    }

    /** Writes fields in the order they are added (callers add them in field-number order, as protobuf does). */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer uint32(int field, int value) {
            if (value < 0) {
                throw new IllegalArgumentException("uint32 field must not be negative");
            }
            writeVarint(((long) field << 3) | VARINT);
            writeVarint(value);
            return this;
        }

        public Writer bytes(int field, byte[] value) {
            writeVarint(((long) field << 3) | LENGTH_DELIMITED);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        private void writeVarint(long value) {
            long v = value;
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
