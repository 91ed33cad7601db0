package im.sotto.protocol.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Secret key material. Copies defensively, compares in constant time, never prints its content, and can be wiped.
 * Reading the bytes out is {@link #reveal()}: easy to grep for, so every place a secret leaves this wrapper is
 * visible in review.
 */
public final class SecretBytes {
    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of {@code bytes}; the caller keeps (and should wipe) its own array. */
    public static SecretBytes copyOf(byte[] bytes) {
        return new SecretBytes(bytes.clone());
    }

    /** Takes ownership of {@code bytes} without copying; for freshly derived arrays nobody else holds. */
    static SecretBytes adopt(byte[] bytes) {
        return new SecretBytes(bytes);
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the secret. Callers own the copy and should wipe it when done. */
    public byte[] reveal() {
        return bytes.clone();
    }

    /** Best-effort erasure; the object must not be used afterwards. */
    public void wipe() {
        Arrays.fill(bytes, (byte) 0);
    }

    /** Constant-time equality. */
    public boolean equalsSecret(SecretBytes other) {
        return other != null && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretBytes && equalsSecret((SecretBytes) o);
    }

    @Override
    public int hashCode() {
        return bytes.length; // never derived from the content
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes, redacted]";
    }

    /** Package-private view without a copy, for the primitives in this package only. */
    byte[] unsafeView() {
        return bytes;
    }
}
