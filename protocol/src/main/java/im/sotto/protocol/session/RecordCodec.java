package im.sotto.xmpp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.util.Optional;

/**
 * The binding's own record layouts (identity, session, trust): a version byte, then fields, each a u32 length and
 * its bytes. Reading is strict: a short field, a length beyond the record or bytes left over are errors.
 */
final class RecordCodec {
    private RecordCodec() {
    }

    /** A record that is not one of ours, or from a newer version. */
    static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message) {
            super(message);
        }
    }

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        Writer(int version) {
            out.write(version);
        }

        Writer field(byte[] value) {
            int n = value.length;
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
            out.write(value, 0, n);
            return this;
        }

        /** An optional field: an empty field stands for "absent" (no present value is empty). */
        Writer optional(Optional<byte[]> value) {
            return field(value.orElse(new byte[0]));
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] record, int expectedVersion) throws MalformedRecordException {
            in = ByteBuffer.wrap(record);
            if (record.length == 0 || (record[0] & 0xff) != expectedVersion) {
                throw new MalformedRecordException("not a version " + expectedVersion + " record");
            }
            in.get();
        }

        byte[] field() throws MalformedRecordException {
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

        Optional<byte[]> optional() throws MalformedRecordException {
            byte[] value = field();
            return value.length == 0 ? Optional.empty() : Optional.of(value);
        }

        void end() throws MalformedRecordException {
            if (in.hasRemaining()) {
                throw new MalformedRecordException(in.remaining() + " bytes after the last field");
            }
        }
    }
}
