package im.sotto.protocol.session;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.util.Optional;

/**
 * The session layer's record layouts (session, retained secrets, the first trust record) and the binding's own
 * (identity, archive position): a version byte, then fields, each a u32 length and its bytes. Reading is strict: a
 * short field, a length beyond the record or bytes left over are errors. Public only for the binding's two records
 * until every stored record is on the one {@code wire} codec (issue 17); its bytes must not change.
 */
public final class RecordCodec {
    private RecordCodec() {
    }

    /** A record that is not one of ours, or from a newer version. */
    public static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedRecordException(String message) {
            super(message);
        }
    }

    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        public Writer(int version) {
            out.write(version);
        }

        public Writer field(byte[] value) {
            int n = value.length;
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
            out.write(value, 0, n);
            return this;
        }

        /** An optional field: an empty field stands for "absent" (no present value is empty). */
        public Writer optional(Optional<byte[]> value) {
            return field(value.orElse(new byte[0]));
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    public static final class Reader {
        private final ByteBuffer in;

        public Reader(byte[] record, int expectedVersion) throws MalformedRecordException {
            in = ByteBuffer.wrap(record);
            if (record.length == 0 || (record[0] & 0xff) != expectedVersion) {
                throw new MalformedRecordException("not a version " + expectedVersion + " record");
            }
            in.get();
        }

        public byte[] field() throws MalformedRecordException {
            try {
                int n = in.getInt();
                if (n < 0 || n > in.remaining()) {
                    throw new MalformedRecordException("field length " + n + " beyond the record");
                }
                byte[] value = new byte[n];
                in.get(value);
                return value;
            } catch (BufferUnderflowException e) {
                throw new MalformedRecordException("record cut short");
            }
        }

        public Optional<byte[]> optional() throws MalformedRecordException {
            byte[] value = field();
            return value.length == 0 ? Optional.empty() : Optional.of(value);
        }

        public void end() throws MalformedRecordException {
            if (in.hasRemaining()) {
                throw new MalformedRecordException(in.remaining() + " bytes after the last field");
            }
        }
    }
}
