package im.sotto.protocol.omemo2;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.omemo.internal.AesCbc;
import im.sotto.protocol.omemo2.internal.TwomemoKdf;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * OMEMO 2's payload encryption (XEP-0384 0.8, "Message encryption"): a fresh 32-byte key expanded with HKDF-SHA-256
 * ("OMEMO Payload", zero salt) into an AES-256 key, an HMAC-SHA-256 key and a 16-byte IV; the payload is the
 * AES-256-CBC (PKCS#7) encryption of the SCE envelope, and the key material sent through every device's session is
 * the key followed by the HMAC of the ciphertext truncated to 16 bytes. An empty OMEMO message (a key transport or
 * ratchet answer, no payload) sends 32 zero bytes as its key material.
 */
public final class Omemo2Payload {
    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;
    /** Key and truncated tag: what a message with a payload sends through each session. */
    public static final int KEY_MATERIAL_LENGTH = KEY_LENGTH + TAG_LENGTH;

    private Omemo2Payload() {}

    /** A payload and the key material that opens it. */
    public record Encrypted(byte[] ciphertext, byte[] keyMaterial) {
        public Encrypted {
            ciphertext = ciphertext.clone();
            keyMaterial = keyMaterial.clone();
        }

        @Override
        public byte[] ciphertext() {
            return ciphertext.clone();
        }

        @Override
        public byte[] keyMaterial() {
            return keyMaterial.clone();
        }

        @Override
        public String toString() {
            return "Encrypted[" + ciphertext.length + " bytes, key material redacted]";
        }
    }

    public static Encrypted encrypt(byte[] envelope, SecureRandom random) {
        if (envelope.length > OmemoLimits.MAX_PAYLOAD_LENGTH - TAG_LENGTH) {
            throw new IllegalArgumentException("payload over " + OmemoLimits.MAX_PAYLOAD_LENGTH + " bytes");
        }
        byte[] key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        byte[] expanded = TwomemoKdf.expandPayloadKey(key);
        try {
            byte[] ciphertext = AesCbc.encrypt(TwomemoKdf.encryptionKey(expanded), TwomemoKdf.iv(expanded), envelope);
            byte[] tag = Arrays.copyOf(HashAlgorithm.SHA256.hmac(
                    SecretBytes.copyOf(TwomemoKdf.authenticationKey(expanded)), ciphertext), TAG_LENGTH);
            byte[] material = Arrays.copyOf(key, KEY_MATERIAL_LENGTH);
            System.arraycopy(tag, 0, material, KEY_LENGTH, TAG_LENGTH);
            try {
                return new Encrypted(ciphertext, material);
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(expanded, (byte) 0);
        }
    }

    /** The key material of an empty OMEMO message. */
    public static byte[] emptyKeyMaterial() {
        return new byte[KEY_LENGTH];
    }

    /**
     * Opens a payload with the key material from a session: {@link OmemoFailure#BAD_KEY_MATERIAL} unless it is 48
     * bytes, {@link OmemoFailure#PAYLOAD_AUTHENTICATION_FAILED} if the tag does not verify (checked in constant time,
     * before any decryption), {@link OmemoFailure#BAD_CIPHERTEXT} for bad padding under a valid tag.
     */
    public static byte[] decrypt(byte[] ciphertext, byte[] keyMaterial) throws OmemoException {
        if (keyMaterial == null || keyMaterial.length != KEY_MATERIAL_LENGTH) {
            throw new OmemoException(OmemoFailure.BAD_KEY_MATERIAL, "OMEMO 2 key material must be 48 bytes");
        }
        if (ciphertext.length == 0 || ciphertext.length % 16 != 0 || ciphertext.length > OmemoLimits.MAX_PAYLOAD_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "payload is not 1.." + OmemoLimits.MAX_PAYLOAD_LENGTH
                    + " bytes of whole AES blocks");
        }
        byte[] expanded = TwomemoKdf.expandPayloadKey(Arrays.copyOf(keyMaterial, KEY_LENGTH));
        try {
            byte[] tag = Arrays.copyOfRange(keyMaterial, KEY_LENGTH, KEY_MATERIAL_LENGTH);
            if (!HashAlgorithm.SHA256.verifyHmac(SecretBytes.copyOf(TwomemoKdf.authenticationKey(expanded)), tag,
                    ciphertext)) {
                throw new OmemoException(OmemoFailure.PAYLOAD_AUTHENTICATION_FAILED, "payload tag does not verify");
            }
            return AesCbc.decrypt(TwomemoKdf.encryptionKey(expanded), TwomemoKdf.iv(expanded), ciphertext);
        } finally {
            Arrays.fill(expanded, (byte) 0);
        }
    }
}
