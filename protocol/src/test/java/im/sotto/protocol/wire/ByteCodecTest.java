package im.sotto.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.wire.MalformedInputException.Kind;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The one codec for wire formats and stored records: exact bytes, and a typed error for each kind of bad input. */
class ByteCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyFieldHasItsDocumentedBytes() throws MalformedInputException {
        byte[] encoded = new ByteWriter().u8(0xab).u16(0x0102).u32(0xfffffffeL).u64(-2).i32(-1).i64(5).flag(true)
                .optionalBytes(null).optionalBytes(new byte[] {7}).secret(SecretBytes.copyOf(new byte[] {8, 9}))
                .vector16(new byte[] {1}).vector32(new byte[] {2, 3}).toByteArrayAndWipe();
        assertEquals("ab" + "0102" + "fffffffe" + "fffffffffffffffe" + "ffffffff" + "0000000000000005" + "01"
                + "00" + "0107" + "0809" + "000101" + "000000020203", HEX.formatHex(encoded));
        ByteReader r = new ByteReader(encoded);
        assertEquals(0xab, r.u8());
        assertEquals(0x0102, r.u16());
        assertEquals(0xfffffffeL, r.u32());
        assertEquals(-2, r.u64());
        assertEquals(-1, r.i32());
        assertEquals(5, r.i64InRange(0, 5, "five"));
        assertTrue(r.flag());
        assertNull(r.optionalBytes(1));
        assertArrayEquals(new byte[] {7}, r.optionalBytes(1));
        assertArrayEquals(new byte[] {8, 9}, r.secret(2).reveal());
        assertArrayEquals(new byte[] {1}, r.vector16(1, "v16"));
        assertArrayEquals(new byte[] {2, 3}, r.vector32(2, "v32"));
        r.expectEnd();
    }

    @Test
    void badInputIsATypedErrorNamingWhatWasWrong() {
        assertEquals(Kind.TRUNCATED, kindOf(new byte[] {0, 0, 0}, r -> r.i32()));
        assertEquals(Kind.TRAILING_BYTES, kindOf(new byte[] {1, 2}, r -> {
            r.u8();
            r.expectEnd();
        }));
        assertEquals(Kind.OUT_OF_RANGE, kindOf(new byte[] {2}, r -> r.flag()));
        assertEquals(Kind.OUT_OF_RANGE, kindOf(HEX.parseHex("ffffffff"), r -> r.nonNegativeI32("counter")));
        assertEquals(Kind.OUT_OF_RANGE, kindOf(HEX.parseHex("0000000000000006"), r -> r.i64InRange(0, 5, "n")));
        assertEquals(Kind.TOO_LONG, kindOf(HEX.parseHex("00000003"), r -> r.count(2, "items")));
        assertEquals(Kind.TOO_LONG, kindOf(HEX.parseHex("0003010203"), r -> r.vector16(2, "field")));
        assertEquals(Kind.TOO_LONG, kindOf(HEX.parseHex("ffffffff"), r -> r.vector32(1 << 20, "field")));
        // A length that fits its limit but not the input is truncation, not an allocation of the announced size.
        assertEquals(Kind.TRUNCATED, kindOf(HEX.parseHex("000000ff01"), r -> r.vector32(1 << 20, "field")));
    }

    @Test
    void aWipedWriterKeepsNoCopyOfItsSecrets() {
        ByteWriter w = new ByteWriter(16);
        for (int i = 0; i < 10; i++) {
            w.secret(SecretBytes.copyOf(new byte[] {42, 42, 42, 42}));
        }
        assertEquals(40, w.toByteArrayAndWipe().length);
        assertEquals(0, w.toByteArray().length);
        assertFalse(w.toString().contains("42"));
    }

    private interface Read {
        void from(ByteReader r) throws MalformedInputException;
    }

    private static Kind kindOf(byte[] input, Read read) {
        return assertThrows(MalformedInputException.class, () -> read.from(new ByteReader(input))).kind();
    }
}
