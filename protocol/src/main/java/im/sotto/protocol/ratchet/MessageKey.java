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
     * HKDF(salt = header nonce || heartbeat secret (if any), ikm = mk, info = "Sotto v1 ratchet message", 32 + 12):
     * the AEAD key, then the nonce. The header nonce is fresh for every encryption, so a sender that crashes after
     * encrypting but before storing its new state, and encrypts again with the same message key, still never uses an
     * AEAD key and nonce twice. In a heartbeat sub-chain the heartbeat secret is the X25519 output of the sub-chain's
     * fresh key with the peer's ratchet key, so the key depends on a DH the chain key alone does not give.
     */
    PayloadKeys payloadKeys(CipherSuite suite, byte[] headerNonce, SecretBytes heartbeatSecret) {
        byte[] heartbeat = heartbeatSecret == null ? new byte[0] : heartbeatSecret.reveal();
        byte[] salt = java.util.Arrays.copyOf(headerNonce, headerNonce.length + heartbeat.length);
        System.arraycopy(heartbeat, 0, salt, headerNonce.length, heartbeat.length);
        java.util.Arrays.fill(heartbeat, (byte) 0);
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
            java.util.Arrays.fill(salt, (byte) 0);
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
