package im.sotto.protocol.pake;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The string functions of draft-irtf-cfrg-cpace-21 (section "Notation for string operations" and its appendix):
 * LEB128 length prefixes, length-value concatenation, ordered concatenation and the two transcripts; plus the
 * strict reader for Sotto's message encoding, {@code lv_cat(Y, AD)}.
 */
final class CPaceEncoding {
    private static final byte[] ORDERED_PREFIX = {'o', 'c'};

    private CPaceEncoding() {}

    /** prepend_len: the LEB128 encoding of the length, then the bytes. */
    static byte[] prependLen(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 5);
        int length = data.length;
        do {
            int low = length & 0x7f;
            length >>>= 7;
            out.write(length == 0 ? low : low | 0x80);
        } while (length != 0);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** lv_cat: prepend_len of each argument, concatenated. */
    static byte[] lvCat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(prependLen(p));
        }
        return out.toByteArray();
    }

    /** The draft's lexiographically_larger: the first differing byte decides, else the longer string is larger. */
    static boolean lexicographicallyLarger(byte[] a, byte[] b) {
        int common = Math.min(a.length, b.length);
        for (int i = 0; i < common; i++) {
            int x = a[i] & 0xff;
            int y = b[i] & 0xff;
            if (x != y) {
                return x > y;
            }
        }
        return a.length > b.length;
    }

    /** o_cat: b"oc", then the larger string, then the other. */
    static byte[] oCat(byte[] a, byte[] b) {
        boolean aFirst = lexicographicallyLarger(a, b);
        return concat(ORDERED_PREFIX, aFirst ? a : b, aFirst ? b : a);
    }

    /** transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) || lv_cat(Yb, ADb): initiator's message first. */
    static byte[] transcriptIr(byte[] ya, byte[] adA, byte[] yb, byte[] adB) {
        return concat(lvCat(ya, adA), lvCat(yb, adB));
    }

    /** transcript_oc(Ya, ADa, Yb, ADb) = o_cat(lv_cat(Ya, ADa), lv_cat(Yb, ADb)): independent of who spoke first. */
    static byte[] transcriptOc(byte[] ya, byte[] adA, byte[] yb, byte[] adB) {
        return oCat(lvCat(ya, adA), lvCat(yb, adB));
    }

    /**
     * generator_string(DSI, PRS, CI, sid, s_in_bytes) = lv_cat(DSI, PRS, zero_bytes(len_zpad), CI, sid), with the
     * zero padding sized so that DSI, PRS and padding fill the hash's first input block.
     */
    static byte[] generatorString(byte[] dsi, byte[] prs, byte[] ci, byte[] sid, int blockLength) {
        int lenZpad = Math.max(0, blockLength - prependLen(prs).length - prependLen(dsi).length - 1);
        return lvCat(dsi, prs, new byte[lenZpad], ci, sid);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Splits {@code lv_cat(Y, AD)} strictly: minimal LEB128 prefixes, Y of exactly {@code shareLength} bytes, AD of at
     * most {@code maxAssociatedData} bytes, nothing after it. Returns {Y, AD}.
     */
    static byte[][] readMessage(byte[] message, int shareLength, int maxAssociatedData) throws PakeException {
        int[] position = {0};
        byte[] share = readField(message, position, shareLength, "share");
        if (share.length != shareLength) {
            throw malformed("share must be " + shareLength + " bytes");
        }
        byte[] ad = readField(message, position, maxAssociatedData, "associated data");
        if (position[0] != message.length) {
            throw malformed("trailing bytes after the associated data");
        }
        return new byte[][] {share, ad};
    }

    private static byte[] readField(byte[] in, int[] position, int maxLength, String name) throws PakeException {
        int length = 0;
        int shift = 0;
        int start = position[0];
        while (true) {
            if (position[0] >= in.length) {
                throw malformed(name + ": truncated length prefix");
            }
            int b = in[position[0]++] & 0xff;
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && position[0] - start > 1) {
                    throw malformed(name + ": length prefix is not minimal");
                }
                break;
            }
            shift += 7;
            if (shift > 14) { // three LEB128 bytes already exceed every limit used here
                throw malformed(name + ": length prefix too long");
            }
        }
        if (length > maxLength) {
            throw malformed(name + ": " + length + " bytes, at most " + maxLength);
        }
        if (in.length - position[0] < length) {
            throw malformed(name + ": truncated");
        }
        byte[] value = Arrays.copyOfRange(in, position[0], position[0] + length);
        position[0] += length;
        return value;
    }

    private static PakeException malformed(String why) {
        return new PakeException(PakeException.Kind.MALFORMED, "CPace message: " + why);
    }
}
