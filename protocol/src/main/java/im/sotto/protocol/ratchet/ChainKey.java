package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;

/** A sending or receiving chain key CK. Immutable; {@link #next} is the symmetric-key ratchet step. */
final class ChainKey {
    static final int LENGTH = 32;
    private static final byte[] MESSAGE_KEY_INPUT = {0x01};
    private static final byte[] CHAIN_KEY_INPUT = {0x02};

    private final SecretBytes key;

    ChainKey(SecretBytes key) {
        this.key = Secrets.checkLength(key, LENGTH, "chain key");
    }

    /** The message key for this position: HMAC(ck, 0x01). */
    MessageKey messageKey(CipherSuite suite) {
        return new MessageKey(Secrets.adoptArray(suite.hash().hmac(key, MESSAGE_KEY_INPUT)));
    }

    /** The chain key for the next position: HMAC(ck, 0x02). */
    ChainKey next(CipherSuite suite) {
        return new ChainKey(Secrets.adoptArray(suite.hash().hmac(key, CHAIN_KEY_INPUT)));
    }

    SecretBytes secret() {
        return key;
    }

    @Override
    public String toString() {
        return "ChainKey[redacted]";
    }
}
