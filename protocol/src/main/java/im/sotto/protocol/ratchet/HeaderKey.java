package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.RandomNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.SecretBytes;
import java.security.SecureRandom;
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

    /** Seals a header under a nonce drawn from {@code random}; the box's nonce also salts the payload keys. */
    SealedBox seal(CipherSuite suite, SecureRandom random, byte[] associatedData, byte[] header) {
        return new RandomNonceAead(suite.aead(), key, random).seal(associatedData, header);
    }

    /** The header plaintext, or empty if this key did not encrypt it (or it was altered). */
    Optional<byte[]> open(CipherSuite suite, SealedBox box, byte[] associatedData) {
        try {
            return Optional.of(RandomNonceAead.open(suite.aead(), key, box, associatedData));
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
