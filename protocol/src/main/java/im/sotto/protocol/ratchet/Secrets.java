package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.SecretBytes;
import java.util.Arrays;

/** Small helpers for moving key material between {@link SecretBytes} values without leaving copies around. */
final class Secrets {
    private Secrets() {}

    static SecretBytes checkLength(SecretBytes key, int length, String what) {
        if (key == null || key.length() != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
        return key;
    }

    /** Wraps a freshly computed array and wipes the array. */
    static SecretBytes adoptArray(byte[] fresh) {
        try {
            return SecretBytes.copyOf(fresh);
        } finally {
            Arrays.fill(fresh, (byte) 0);
        }
    }

    /** Splits a secret into consecutive parts of the given lengths (which must add up to its length). */
    static SecretBytes[] split(SecretBytes whole, int... lengths) {
        byte[] all = whole.reveal();
        try {
            int total = Arrays.stream(lengths).sum();
            if (total != all.length) {
                throw new IllegalArgumentException("split lengths do not cover the secret");
            }
            SecretBytes[] parts = new SecretBytes[lengths.length];
            int offset = 0;
            for (int i = 0; i < lengths.length; i++) {
                parts[i] = adoptArray(Arrays.copyOfRange(all, offset, offset + lengths[i]));
                offset += lengths[i];
            }
            return parts;
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }
}
