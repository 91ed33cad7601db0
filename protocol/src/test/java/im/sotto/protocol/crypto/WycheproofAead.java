package im.sotto.protocol.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Runs one Wycheproof AEAD case through {@link AeadAlgorithm}. Shared by the AES-GCM and ChaCha20-Poly1305 tests,
 * whose files have the same schema. Only the 96-bit nonce is supported, by design; any other size must be refused
 * with {@link IllegalArgumentException} by both seal and open, whatever the case's result.
 */
final class WycheproofAead {
    static final String VALID = "valid passed";
    static final String INVALID = "invalid rejected";
    static final String OTHER_NONCE = "other-nonce-size rejected";

    private WycheproofAead() {}

    static void check(AeadAlgorithm aead, WycheproofVectors.Case c, WycheproofTally tally) {
        SecretBytes key = SecretBytes.copyOf(c.bytes("key"));
        byte[] nonce = c.bytes("iv");
        byte[] aad = c.bytes("aad");
        byte[] msg = c.bytes("msg");
        byte[] sealed = concat(c.bytes("ct"), c.bytes("tag"));
        if (nonce.length != AeadAlgorithm.NONCE_LENGTH) {
            checkNonceRefused(aead, key, nonce, aad, msg, sealed, c, tally);
        } else if (c.result().equals("valid")) {
            checkValid(aead, key, nonce, aad, msg, sealed, c, tally);
        } else {
            checkInvalid(aead, key, nonce, aad, sealed, c, tally);
        }
    }

    private static void checkValid(AeadAlgorithm aead, SecretBytes key, byte[] nonce, byte[] aad, byte[] msg,
            byte[] sealed, WycheproofVectors.Case c, WycheproofTally tally) {
        if (!Arrays.equals(sealed, new DeterministicNonceAead(aead, key).sealWithProtocolNonce(nonce, aad, msg))) {
            tally.fail(c, "seal gave a different ciphertext or tag");
            return;
        }
        try {
            boolean bothOpen = Arrays.equals(msg, new DeterministicNonceAead(aead, key).open(nonce, aad, sealed))
                    && Arrays.equals(msg, RandomNonceAead.open(aead, key, new SealedBox(nonce, sealed), aad));
            if (bothOpen) {
                tally.pass(c, VALID);
            } else {
                tally.fail(c, "open gave a different plaintext");
            }
        } catch (AuthenticationFailedException e) {
            tally.fail(c, "open rejected a valid ciphertext");
        }
    }

    private static void checkInvalid(AeadAlgorithm aead, SecretBytes key, byte[] nonce, byte[] aad, byte[] sealed,
            WycheproofVectors.Case c, WycheproofTally tally) {
        try {
            new DeterministicNonceAead(aead, key).open(nonce, aad, sealed);
            tally.fail(c, "open accepted an invalid ciphertext");
        } catch (AuthenticationFailedException e) {
            tally.pass(c, INVALID);
        }
    }

    private static void checkNonceRefused(AeadAlgorithm aead, SecretBytes key, byte[] nonce, byte[] aad, byte[] msg,
            byte[] sealed, WycheproofVectors.Case c, WycheproofTally tally) {
        boolean sealRefused = false;
        boolean openRefused = false;
        try {
            new DeterministicNonceAead(aead, key).sealWithProtocolNonce(nonce, aad, msg);
        } catch (IllegalArgumentException e) {
            sealRefused = true;
        }
        try {
            new DeterministicNonceAead(aead, key).open(nonce, aad, sealed);
        } catch (IllegalArgumentException e) {
            openRefused = true;
        } catch (AuthenticationFailedException e) {
            // Still a rejection, but not the one the API promises for a wrong nonce size.
        }
        if (sealRefused && openRefused) {
            tally.pass(c, OTHER_NONCE);
        } else {
            tally.fail(c, nonce.length + "-byte nonce not refused with IllegalArgumentException");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }
}
