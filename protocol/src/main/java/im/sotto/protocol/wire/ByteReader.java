package im.sotto.protocol.wire;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.wire.MalformedInputException.Kind;
import java.util.Arrays;

/**
 * A strict reader over bytes received from outside or read back from storage, the counterpart of
 * {@link ByteWriter}. Every read checks bounds and throws a typed {@link MalformedInputException}; every count and
 * length is bounded by the caller; a flag is 0 or 1; {@link #expectEnd()} rejects trailing data. Never throws
 * unchecked exceptions on bad input.
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
        return (int) bigEndian(2, "u16");
    }

    public long u32() throws MalformedInputException {
        return bigEndian(4, "u32");
    }

    /** Eight bytes as a long; values from 2^63 up come back negative (callers that care use {@link #i64InRange}). */
    public long u64() throws MalformedInputException {
        return bigEndian(8, "u64");
    }

    /** A signed 32-bit integer, two's complement (the cast reinterprets the four bytes read as unsigned). */
    public int i32() throws MalformedInputException {
        return (int) bigEndian(4, "i32");
    }

    /** A signed 32-bit integer that must lie in [min, max]. */
    public int i32InRange(int min, int max, String what) throws MalformedInputException {
        int v = i32();
        if (v < min || v > max) {
            throw new MalformedInputException(Kind.OUT_OF_RANGE,
                    what + " " + v + " outside [" + min + ", " + max + "]");
        }
        return v;
    }

    /** A signed 32-bit counter, at least zero. */
    public int nonNegativeI32(String what) throws MalformedInputException {
        return i32InRange(0, Integer.MAX_VALUE, what);
    }

    /** A signed 32-bit count of items that follow, at most {@code max}. */
    public int count(int max, String what) throws MalformedInputException {
        int v = nonNegativeI32(what);
        if (v > max) {
            throw new MalformedInputException(Kind.TOO_LONG, what + " " + v + " above " + max);
        }
        return v;
    }

    /** A signed 64-bit integer, two's complement. */
    public long i64() throws MalformedInputException {
        return bigEndian(8, "i64");
    }

    /** A signed 64-bit integer that must lie in [min, max]. */
    public long i64InRange(long min, long max, String what) throws MalformedInputException {
        long v = i64();
        if (v < min || v > max) {
            throw new MalformedInputException(Kind.OUT_OF_RANGE, what + " outside [" + min + ", " + max + "]");
        }
        return v;
    }

    /** One byte, 0 or 1. */
    public boolean flag() throws MalformedInputException {
        int v = u8();
        if (v > 1) {
            throw new MalformedInputException(Kind.OUT_OF_RANGE, "bad flag " + v);
        }
        return v == 1;
    }

    public byte[] bytes(int length) throws MalformedInputException {
        if (length < 0 || data.length - position < length) {
            // The message is built only here: concatenating it on every call was a visible part of record parsing.
            need(length, length + " bytes");
        }
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    /** {@code length} bytes as a secret; the temporary copy is wiped. */
    public SecretBytes secret(int length) throws MalformedInputException {
        byte[] raw = bytes(length);
        try {
            return SecretBytes.copyOf(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A flag, then {@code length} bytes when it is set; null when it is not. */
    public byte[] optionalBytes(int length) throws MalformedInputException {
        return flag() ? bytes(length) : null;
    }

    /** A flag, then a secret of {@code length} bytes when it is set; null when it is not. */
    public SecretBytes optionalSecret(int length) throws MalformedInputException {
        return flag() ? secret(length) : null;
    }

    /** A u16 length followed by that many bytes, at most {@code maxLength}. */
    public byte[] vector16(int maxLength, String what) throws MalformedInputException {
        int length = u16();
        if (length > maxLength) {
            throw new MalformedInputException(Kind.TOO_LONG, what + " longer than " + maxLength + " bytes");
        }
        return bytes(length);
    }

    /** A u32 length followed by that many bytes, at most {@code maxLength}. */
    public byte[] vector32(int maxLength, String what) throws MalformedInputException {
        long length = u32();
        if (length > maxLength) {
            throw new MalformedInputException(Kind.TOO_LONG, what + " longer than " + maxLength + " bytes");
        }
        return bytes((int) length);
    }

    public byte[] rest() {
        byte[] out = Arrays.copyOfRange(data, position, data.length);
        position = data.length;
        return out;
    }

    public void expectEnd() throws MalformedInputException {
        if (position != data.length) {
            throw new MalformedInputException(Kind.TRAILING_BYTES,
                    (data.length - position) + " unexpected trailing bytes");
        }
    }

    private long bigEndian(int width, String what) throws MalformedInputException {
        need(width, what);
        long v = 0;
        for (int i = 0; i < width; i++) {
            v = (v << 8) | (data[position + i] & 0xff);
        }
        position += width;
        return v;
    }

    private void need(int n, String what) throws MalformedInputException {
        if (n < 0 || data.length - position < n) {
            throw new MalformedInputException(Kind.TRUNCATED,
                    "truncated: expected " + what + " at offset " + position);
        }
    }
}
