package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import java.util.Optional;

/**
 * A header key (HKs, HKr, NHKs, NHKr). One header key encrypts every header of a chain, so each header gets a fresh
 * random 96-bit nonce: with counters below 2^31 per chain the chance of a nonce repeating under one key stays below
 * 2^-35.
 */
final class HeaderKey {
    static final int LENGTH = 32;

    private final SecretBytes key;

    HeaderKey(SecretBytes key) {
        this.key = Secrets.checkLength(key, LENGTH, "header key");
    }

    byte[] seal(CipherSuite suite, byte[] nonce, byte[] associatedData, byte[] header) {
        return suite.aead().seal(key, nonce, associatedData, header);
    }

    /** The header plaintext, or empty if this key did not encrypt it (or it was altered). */
    Optional<byte[]> open(CipherSuite suite, byte[] nonce, byte[] associatedData, byte[] ciphertext) {
        try {
            return Optional.of(suite.aead().open(key, nonce, associatedData, ciphertext));
        } catch (AuthenticationFailedException notThisKey) {
            return Optional.empty();
        }
    }

    SecretBytes secret() {
        return key;
    }

    @Override
    public String toString() {
        return "HeaderKey[redacted]";
    }
}
