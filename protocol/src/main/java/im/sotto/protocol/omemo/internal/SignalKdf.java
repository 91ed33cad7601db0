package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key derivations of Signal protocol version 3, as OMEMO 0.3 uses it: HKDF-SHA256 with the info strings
 * "WhisperText" (session setup), "WhisperRatchet" (root chain) and "WhisperMessageKeys" (message keys), and
 * HMAC-SHA256 chain steps with the constant inputs 0x01 (message key seed) and 0x02 (next chain key).
 */
public final class SignalKdf {
    public static final int KEY_LENGTH = 32;
    public static final int IV_LENGTH = 16;
    /** Cipher key, MAC key and IV. */
    public static final int MESSAGE_KEYS_LENGTH = KEY_LENGTH + KEY_LENGTH + IV_LENGTH;

    private static final byte[] SETUP_INFO = "WhisperText".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RATCHET_INFO = "WhisperRatchet".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_KEYS_INFO = "WhisperMessageKeys".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_KEY_SEED = {0x01};
    private static final byte[] CHAIN_KEY_SEED = {0x02};
    /** Zero salt: HKDF replaces an empty salt by HashLen zero bytes (RFC 5869, section 2.2). */
    private static final byte[] NO_SALT = new byte[0];

    private SignalKdf() {}

    /** A root key and a chain key, the two halves of a 64-byte derivation. */
    public record KeyPair(byte[] rootKey, byte[] chainKey) {}

    /** Session setup from the concatenated X3DH agreements (already behind the 32 0xFF bytes). */
    public static KeyPair setup(byte[] masterSecret) {
        return split(derive(NO_SALT, masterSecret, SETUP_INFO, 2 * KEY_LENGTH));
    }

    /** One root chain step: the old root key salts the new DH output. */
    public static KeyPair rootStep(byte[] rootKey, byte[] dhOutput) {
        return split(derive(rootKey, dhOutput, RATCHET_INFO, 2 * KEY_LENGTH));
    }

    public static byte[] nextChainKey(byte[] chainKey) {
        return HashAlgorithm.SHA256.hmac(SecretBytes.copyOf(chainKey), CHAIN_KEY_SEED);
    }

    /** Cipher key (32), MAC key (32) and IV (16) for the message at the chain key's position. */
    public static byte[] messageKeys(byte[] chainKey) {
        byte[] seed = HashAlgorithm.SHA256.hmac(SecretBytes.copyOf(chainKey), MESSAGE_KEY_SEED);
        try {
            return derive(NO_SALT, seed, MESSAGE_KEYS_INFO, MESSAGE_KEYS_LENGTH);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
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

    private static KeyPair split(byte[] both) {
        try {
            return new KeyPair(Arrays.copyOfRange(both, 0, KEY_LENGTH), Arrays.copyOfRange(both, KEY_LENGTH,
                    2 * KEY_LENGTH));
        } finally {
            Arrays.fill(both, (byte) 0);
        }
    }
}
