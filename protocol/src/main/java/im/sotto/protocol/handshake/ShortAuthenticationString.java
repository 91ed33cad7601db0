package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The string two people compare once to verify each other: 40 bits as 8 characters of Crockford base32. It is
 * derived from the handshake hash after message 2 and both nonces; the initiator committed to its nonce in
 * message 1, so a man in the middle cannot steer the value and matches with probability 2^-40 per attempt.
 */
public final class ShortAuthenticationString {
    public static final int BITS = 40;
    static final int NONCE_LENGTH = 32;
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final byte[] COMMIT_LABEL = "Sotto v1 SAS commitment".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SAS_LABEL = "Sotto v1 SAS".getBytes(StandardCharsets.US_ASCII);

    private final byte[] value; // 5 bytes

    private ShortAuthenticationString(byte[] value) {
        this.value = value;
    }

    static byte[] commitment(HashAlgorithm hash, byte[] initiatorNonce) {
        return hash.digest(COMMIT_LABEL, initiatorNonce);
    }

    static ShortAuthenticationString derive(HashAlgorithm hash, byte[] transcriptHash, byte[] initiatorNonce,
            byte[] responderNonce) {
        byte[] salt = Arrays.copyOf(initiatorNonce, initiatorNonce.length + responderNonce.length);
        System.arraycopy(responderNonce, 0, salt, initiatorNonce.length, responderNonce.length);
        SecretBytes out = Hkdf.derive(hash, salt, SecretBytes.copyOf(transcriptHash), SAS_LABEL, BITS / 8);
        return new ShortAuthenticationString(out.reveal());
    }

    /** The 8 characters to compare. */
    public String display() {
        long bits = leadingBits(BITS);
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (bits & 31)];
            bits >>>= 5;
        }
        return new String(out);
    }

    /** The first {@code n} bits (1..40) as a number; tests use short prefixes to measure match rates. */
    public long leadingBits(int n) {
        if (n < 1 || n > BITS) {
            throw new IllegalArgumentException("bits 1..40");
        }
        long v = 0;
        for (byte b : value) {
            v = (v << 8) | (b & 0xff);
        }
        return v >>> (BITS - n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShortAuthenticationString
                && java.security.MessageDigest.isEqual(value, ((ShortAuthenticationString) o).value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return display();
    }
}
