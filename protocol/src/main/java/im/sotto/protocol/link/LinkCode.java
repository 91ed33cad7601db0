package im.sotto.protocol.link;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The one-time code that links a new device: 40 random bits, shown as eight Crockford base32 characters in two
 * groups of four, e.g. {@code 7KQ2-M9XD}. It is the CPace password of the link (docs/protocol.md 12): someone
 * without it gets one online guess per code, with chance 2^-40, and nothing to test offline.
 */
public final class LinkCode {
    /**
     * How long a code can be used: enough to read it on one device and type it on another, short enough that a code
     * seen over a shoulder or left on a screen is dead soon after. The attempt that uses it must finish in this time.
     */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /** 40 bits: 2^-40 per online guess, and each code allows one guess (it is single-use). */
    public static final int BITS = 40;
    private static final int CHARACTERS = BITS / 5;
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private final byte[] canonical;

    private LinkCode(byte[] canonical) {
        this.canonical = canonical;
    }

    /** A fresh code from {@code random}. */
    public static LinkCode generate(SecureRandom random) {
        byte[] raw = new byte[BITS / 8];
        random.nextBytes(raw);
        long bits = 0;
        for (byte b : raw) {
            bits = bits << 8 | (b & 0xff);
        }
        Arrays.fill(raw, (byte) 0);
        byte[] chars = new byte[CHARACTERS];
        for (int i = CHARACTERS - 1; i >= 0; i--) {
            chars[i] = (byte) ALPHABET.charAt((int) (bits & 31));
            bits >>>= 5;
        }
        return new LinkCode(chars);
    }

    /**
     * Reads a code as a user types it: case-insensitive, with or without the dash, O read as 0 and I or L as 1
     * (Crockford's rule for characters that look alike).
     */
    public static LinkCode parse(String typed) throws LinkException {
        String s = typed.trim().toUpperCase(Locale.ROOT).replace("-", "").replace('O', '0').replace('I', '1')
                .replace('L', '1');
        if (s.length() != CHARACTERS || s.chars().anyMatch(c -> ALPHABET.indexOf(c) < 0)) {
            throw LinkException.local(LinkFailure.NOT_A_CODE,
                    "a link code is eight letters and digits in two groups of four, e.g. 7KQ2-M9XD");
        }
        return new LinkCode(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** The code as shown to the user: two groups of four characters, e.g. {@code 7KQ2-M9XD}. */
    public String display() {
        String s = new String(canonical, StandardCharsets.US_ASCII);
        return s.substring(0, 4) + "-" + s.substring(4);
    }

    /** The CPace password: the eight canonical characters in ASCII. */
    byte[] password() {
        return canonical.clone();
    }

    @Override
    public String toString() {
        return "LinkCode[redacted]";
    }
}
