package im.sotto.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hash functions and their HMACs, on the JDK (SHA extensions where the CPU has them). */
public enum HashAlgorithm {
    SHA256("SHA256", "SHA-256", "HmacSHA256", 32, 64),
    SHA512("SHA512", "SHA-512", "HmacSHA512", 64, 128);

    /** One engine per thread, as for the AEADs: getting a JCA engine cost more than hashing a short input. */
    private final ThreadLocal<Mac> macs = new ThreadLocal<>();
    private final ThreadLocal<MessageDigest> digests = new ThreadLocal<>();
    private final String noiseName;
    private final String digestName;
    private final String macName;
    private final int length;
    private final int blockLength;

    HashAlgorithm(String noiseName, String digestName, String macName, int length, int blockLength) {
        this.noiseName = noiseName;
        this.digestName = digestName;
        this.macName = macName;
        this.length = length;
        this.blockLength = blockLength;
    }

    public String noiseName() {
        return noiseName;
    }

    /** Output length in bytes (Noise's HASHLEN). */
    public int length() {
        return length;
    }

    public int blockLength() {
        return blockLength;
    }

    public byte[] digest(byte[]... parts) {
        try {
            MessageDigest md = digests.get();
            if (md == null) {
                md = MessageDigest.getInstance(digestName);
                digests.set(md);
            }
            md.reset();
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digestName + " missing from the JDK", e);
        }
    }

    /** HMAC over the concatenation of {@code parts}. */
    public byte[] hmac(SecretBytes key, byte[]... parts) {
        return hmac(key.unsafeView(), parts);
    }

    byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = macs.get();
            if (mac == null) {
                mac = Mac.getInstance(macName);
                macs.set(mac);
            }
            // The JDK refuses an empty key; HMAC zero-pads keys to the block size, so one zero byte is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, macName));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(macName + " missing from the JDK", e);
        }
    }

    /** Truncated tags shorter than 128 bits give an online forger too good odds; Sotto never accepts them. */
    public static final int MIN_TAG_LENGTH = 16;

    /** Constant-time verification of a (possibly truncated, at least 16-byte) HMAC tag. */
    public boolean verifyHmac(SecretBytes key, byte[] tag, byte[]... parts) {
        if (tag.length < MIN_TAG_LENGTH || tag.length > length) {
            return false;
        }
        byte[] full = hmac(key, parts);
        byte[] truncated = java.util.Arrays.copyOf(full, tag.length);
        return ConstantTime.equals(truncated, tag);
    }
}
