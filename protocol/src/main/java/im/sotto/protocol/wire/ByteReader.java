package im.sotto.protocol.wire;

import java.util.Arrays;

/**
 * A strict reader over bytes received from outside. Every read checks bounds and throws a typed
 * {@link MalformedInputException}; {@link #expectEnd()} rejects trailing data. Never throws unchecked exceptions on
 * bad input.
 */
public final class ByteReader {
    private final byte[] data;
    private int position;

    public ByteReader(byte[] data) {
        this.data = data;
    }

    public int remaining() {
        return data.length - position;
    }

    public int u8() throws MalformedInputException {
        need(1, "u8");
        return data[position++] & 0xff;
    }

    public int u16() throws MalformedInputException {
        need(2, "u16");
        int v = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return v;
    }

    public long u32() throws MalformedInputException {
        need(4, "u32");
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (data[position + i] & 0xff);
        }
        position += 4;
        return v;
    }

    public long u64() throws MalformedInputException {
        need(8, "u64");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[position + i] & 0xff);
        }
        position += 8;
        return v;
    }

    public byte[] bytes(int length) throws MalformedInputException {
        need(length, length + " bytes");
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    /** A u16 length followed by that many bytes, at most {@code maxLength}. */
    public byte[] vector16(int maxLength, String what) throws MalformedInputException {
        int length = u16();
        if (length > maxLength) {
            throw new MalformedInputException(what + " longer than " + maxLength + " bytes");
        }
        return bytes(length);
    }

    public byte[] rest() {
        byte[] out = Arrays.copyOfRange(data, position, data.length);
        position = data.length;
        return out;
    }

    public void expectEnd() throws MalformedInputException {
        if (position != data.length) {
            throw new MalformedInputException((data.length - position) + " unexpected trailing bytes");
        }
    }

    private void need(int n, String what) throws MalformedInputException {
        if (n < 0 || data.length - position < n) {
            throw new MalformedInputException("truncated: expected " + what + " at offset " + position);
        }
    }
}
