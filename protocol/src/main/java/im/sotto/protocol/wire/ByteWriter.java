package im.sotto.protocol.wire;

import java.io.ByteArrayOutputStream;

/** Big-endian writer for Sotto's binary formats. */
public final class ByteWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ByteWriter u8(int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        out.write(v);
        return this;
    }

    public ByteWriter u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public ByteWriter u32(long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        for (int i = 3; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public ByteWriter u64(long v) {
        for (int i = 7; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public ByteWriter vector16(byte[] b) {
        return u16(b.length).bytes(b);
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
