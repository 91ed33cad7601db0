package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.SecretBytes;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Appends big-endian fields to a growing buffer for the session record. */
final class RecordWriter {
    private ByteBuffer buf = ByteBuffer.allocate(1024);

    private void room(int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
            buf.flip();
            bigger.put(buf);
            Arrays.fill(buf.array(), (byte) 0);
            buf = bigger;
        }
    }

    void u8(int v) {
        room(1);
        buf.put((byte) v);
    }

    void i32(int v) {
        room(4);
        buf.putInt(v);
    }

    void i64(long v) {
        room(8);
        buf.putLong(v);
    }

    void bytes(byte[] b) {
        room(b.length);
        buf.put(b);
    }

    void secret(SecretBytes s) {
        byte[] raw = s.reveal();
        bytes(raw);
        Arrays.fill(raw, (byte) 0);
    }

    void optionalSecret(SecretBytes s) {
        u8(s == null ? 0 : 1);
        if (s != null) {
            secret(s);
        }
    }

    void optionalBytes(byte[] b) {
        u8(b == null ? 0 : 1);
        if (b != null) {
            bytes(b);
        }
    }

    byte[] toByteArray() {
        byte[] out = Arrays.copyOf(buf.array(), buf.position());
        Arrays.fill(buf.array(), (byte) 0);
        return out;
    }
}
