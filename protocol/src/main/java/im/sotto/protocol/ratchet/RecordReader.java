package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.SecretBytes;
import java.nio.ByteBuffer;

/** Strict big-endian reader for the session record: running out of bytes or a bad value is a typed error. */
final class RecordReader {
    private final ByteBuffer buf;

    RecordReader(byte[] record) {
        this.buf = ByteBuffer.wrap(record);
    }

    private void need(int n) throws RatchetRecordException {
        if (buf.remaining() < n) {
            throw new RatchetRecordException("session record truncated");
        }
    }

    int u8() throws RatchetRecordException {
        need(1);
        return buf.get() & 0xff;
    }

    boolean flag() throws RatchetRecordException {
        int v = u8();
        if (v > 1) {
            throw new RatchetRecordException("bad flag " + v);
        }
        return v == 1;
    }

    int i32() throws RatchetRecordException {
        need(4);
        return buf.getInt();
    }

    int nonNegative() throws RatchetRecordException {
        int v = i32();
        if (v < 0) {
            throw new RatchetRecordException("negative counter");
        }
        return v;
    }

    int count(int max) throws RatchetRecordException {
        int v = nonNegative();
        if (v > max) {
            throw new RatchetRecordException("count " + v + " above " + max);
        }
        return v;
    }

    long i64() throws RatchetRecordException {
        need(8);
        return buf.getLong();
    }

    long i64Range(long min, long max) throws RatchetRecordException {
        long v = i64();
        if (v < min || v > max) {
            throw new RatchetRecordException("value out of range");
        }
        return v;
    }

    byte[] bytes(int n) throws RatchetRecordException {
        need(n);
        byte[] out = new byte[n];
        buf.get(out);
        return out;
    }

    SecretBytes secret(int n) throws RatchetRecordException {
        return Secrets.adoptArray(bytes(n));
    }

    SecretBytes optionalSecret(int n) throws RatchetRecordException {
        return flag() ? secret(n) : null;
    }

    byte[] optionalBytes(int n) throws RatchetRecordException {
        return flag() ? bytes(n) : null;
    }

    void end() throws RatchetRecordException {
        if (buf.hasRemaining()) {
            throw new RatchetRecordException("trailing bytes after session record");
        }
    }
}
