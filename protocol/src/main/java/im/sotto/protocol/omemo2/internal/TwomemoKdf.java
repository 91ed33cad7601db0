package im.sotto.protocol.omemo2.internal;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key derivations of OMEMO 2 (XEP-0384 0.8): HKDF-SHA-256 with OMEMO's own info strings where Signal's version 3
 * has "Whisper…" ones, a 32-byte X3DH output (the Double Ratchet's root key) instead of Signal's 64 bytes, and the
 * same HMAC chain steps (constant inputs 0x01 for the message key, 0x02 for the next chain key).
 */
public final class TwomemoKdf {
    public static final int KEY_LENGTH = 32;
    public static final int IV_LENGTH = 16;
    /** Encryption key, authentication key and IV, for a message key and for a payload key alike. */
    public static final int EXPANDED_LENGTH = KEY_LENGTH + KEY_LENGTH + IV_LENGTH;

    private static final byte[] X3DH_INFO = ascii("OMEMO X3DH");
    private static final byte[] ROOT_INFO = ascii("OMEMO Root Chain");
    private static final byte[] MESSAGE_INFO = ascii("OMEMO Message Key Material");
    private static final byte[] PAYLOAD_INFO = ascii("OMEMO Payload");
    private static final byte[] MESSAGE_KEY_INPUT = {0x01};
    private static final byte[] CHAIN_KEY_INPUT = {0x02};
    /** Zero salt: HKDF replaces an empty salt by HashLen zero bytes (RFC 5869, section 2.2), as OMEMO 2 asks. */
    private static final byte[] NO_SALT = new byte[0];

    private TwomemoKdf() {}

    /** A root key and a chain key, the two halves of one root chain step. */
    public record RootStep(byte[] rootKey, byte[] chainKey) {}

    /** The X3DH shared secret from the agreements, already behind the 32 0xFF bytes. */
    public static byte[] x3dh(byte[] agreements) {
        return derive(NO_SALT, agreements, X3DH_INFO, KEY_LENGTH);
    }

    public static RootStep rootStep(byte[] rootKey, byte[] dhOutput) {
        byte[] both = derive(rootKey, dhOutput, ROOT_INFO, 2 * KEY_LENGTH);
        try {
            return new RootStep(Arrays.copyOfRange(both, 0, KEY_LENGTH), Arrays.copyOfRange(both, KEY_LENGTH,
                    2 * KEY_LENGTH));
        } finally {
            Arrays.fill(both, (byte) 0);
        }
    }

    public static byte[] messageKey(byte[] chainKey) {
        return HashAlgorithm.SHA256.hmac(SecretBytes.copyOf(chainKey), MESSAGE_KEY_INPUT);
    }

    public static byte[] nextChainKey(byte[] chainKey) {
        return HashAlgorithm.SHA256.hmac(SecretBytes.copyOf(chainKey), CHAIN_KEY_INPUT);
    }

    /** Encryption key, authentication key and IV of one ratchet message. */
    public static byte[] expandMessageKey(byte[] messageKey) {
        return derive(NO_SALT, messageKey, MESSAGE_INFO, EXPANDED_LENGTH);
    }

    /** Encryption key, authentication key and IV of the payload (the SCE envelope). */
    public static byte[] expandPayloadKey(byte[] payloadKey) {
        return derive(NO_SALT, payloadKey, PAYLOAD_INFO, EXPANDED_LENGTH);
    }

    public static byte[] encryptionKey(byte[] expanded) {
        return Arrays.copyOfRange(expanded, 0, KEY_LENGTH);
    }

    public static byte[] authenticationKey(byte[] expanded) {
        return Arrays.copyOfRange(expanded, KEY_LENGTH, 2 * KEY_LENGTH);
    }

    public static byte[] iv(byte[] expanded) {
        return Arrays.copyOfRange(expanded, 2 * KEY_LENGTH, EXPANDED_LENGTH);
    }

    private static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        SecretBytes input = SecretBytes.copyOf(ikm);
        SecretBytes output = Hkdf.derive(HashAlgorithm.SHA256, salt, input, info, length);
        try {
            return output.reveal();
        } finally {
            input.wipe();
            output.wipe();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
