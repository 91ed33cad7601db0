package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;

/**
 * A single-use message key MK. Never used directly as an AEAD key: {@link #payloadKeys} derives the AEAD key and the
 * nonce from it, so every message has its own key and nonce and neither is ever reused.
 */
final class MessageKey {
    static final int LENGTH = 32;

    private final SecretBytes key;

    MessageKey(SecretBytes key) {
        this.key = Secrets.checkLength(key, LENGTH, "message key");
    }

    /** The AEAD key and nonce of one payload. */
    record PayloadKeys(SecretBytes key, byte[] nonce) {
        void wipe() {
            key.wipe();
        }

        @Override
        public String toString() {
            return "PayloadKeys[redacted]";
        }
    }

    /**
     * HKDF(salt = heartbeat secret or none, ikm = mk, info = "Sotto v1 ratchet message", 32 + 12): the AEAD key, then
     * the nonce. In a heartbeat sub-chain the salt is the X25519 output of the sub-chain's fresh key with the peer's
     * ratchet key, so the key depends on a DH the chain key alone does not give.
     */
    PayloadKeys payloadKeys(CipherSuite suite, SecretBytes heartbeatSecret) {
        byte[] salt = heartbeatSecret == null ? null : heartbeatSecret.reveal();
        int keyLength = suite.aead().keyLength();
        SecretBytes okm = Hkdf.derive(suite.hash(), salt, key, RatchetKdf.MESSAGE_INFO,
                keyLength + AeadAlgorithm.NONCE_LENGTH);
        try {
            SecretBytes[] parts = Secrets.split(okm, keyLength, AeadAlgorithm.NONCE_LENGTH);
            byte[] nonce = parts[1].reveal();
            parts[1].wipe();
            return new PayloadKeys(parts[0], nonce);
        } finally {
            okm.wipe();
            if (salt != null) {
                java.util.Arrays.fill(salt, (byte) 0);
            }
        }
    }

    SecretBytes secret() {
        return key;
    }

    @Override
    public String toString() {
        return "MessageKey[redacted]";
    }
}
