package im.sotto.protocol.wire;

import im.sotto.protocol.crypto.SecretBytes;
import java.util.Arrays;

/**
 * Big-endian writer for Sotto's binary formats, on the wire and in stored records: fixed-width integers (unsigned
 * {@code u8..u64}, two's-complement {@code i32/i64}), flags, optional fields (a flag, then the field when present)
 * and length-prefixed fields ({@code vector16}, {@code vector32}). The reader is {@link ByteReader}.
 *
 * <p>Records that hold secrets end with {@link #toByteArrayAndWipe()}; the buffer is wiped whenever it grows, so no
 * copy of a secret is left behind in a discarded array.
 */
public final class ByteWriter {
    private static final int DEFAULT_CAPACITY = 64;

    private byte[] buffer;
    private int size;

    public ByteWriter() {
        this(DEFAULT_CAPACITY);
    }

    /** A writer whose buffer starts at {@code expectedSize} bytes, so a record of known size is not copied. */
    public ByteWriter(int expectedSize) {
        buffer = new byte[Math.max(expectedSize, 16)];
    }

    public ByteWriter u8(int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        room(1);
        buffer[size++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        return bigEndian(v, 2);
    }

    public ByteWriter u32(long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        return bigEndian(v, 4);
    }

    /** Eight bytes, big-endian; a negative long is written as its two's complement, as {@link #i64} does. */
    public ByteWriter u64(long v) {
        return bigEndian(v, 8);
    }

    /** A signed 32-bit integer, two's complement, big-endian. */
    public ByteWriter i32(int v) {
        return bigEndian(v, 4);
    }

    /** A signed 64-bit integer, two's complement, big-endian. */
    public ByteWriter i64(long v) {
        return bigEndian(v, 8);
    }

    /** One byte: 1 for true, 0 for false. */
    public ByteWriter flag(boolean v) {
        return u8(v ? 1 : 0);
    }

    public ByteWriter bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buffer, size, b.length);
        size += b.length;
        return this;
    }

    /** The secret's bytes, without a length; the temporary copy is wiped. */
    public ByteWriter secret(SecretBytes s) {
        byte[] raw = s.reveal();
        try {
            return bytes(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A flag, then the bytes (fixed length, known to the reader) when present. */
    public ByteWriter optionalBytes(byte[] b) {
        flag(b != null);
        return b == null ? this : bytes(b);
    }

    /** A flag, then the secret (fixed length, known to the reader) when present. */
    public ByteWriter optionalSecret(SecretBytes s) {
        flag(s != null);
        return s == null ? this : secret(s);
    }

    /** A u16 length, then the bytes. */
    public ByteWriter vector16(byte[] b) {
        return u16(b.length).bytes(b);
    }

    /** A u32 length, then the bytes. */
    public ByteWriter vector32(byte[] b) {
        return u32(b.length).bytes(b);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** The bytes written, after which the buffer is zeroed and the writer empty: for records holding secrets. */
    public byte[] toByteArrayAndWipe() {
        byte[] out = toByteArray();
        Arrays.fill(buffer, (byte) 0);
        size = 0;
        return out;
    }

    private ByteWriter bigEndian(long v, int width) {
        room(width);
        for (int i = width - 1; i >= 0; i--) {
            buffer[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    private void room(int n) {
        if (buffer.length - size < n) {
            byte[] bigger = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + n));
            Arrays.fill(buffer, (byte) 0);
            buffer = bigger;
        }
    }

    @Override
    public String toString() {
        return "ByteWriter[" + size + " bytes, content redacted]";
    }
}
