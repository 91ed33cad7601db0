package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;

/** The root key RK. Immutable; each DH ratchet step yields a new root key, a chain key and a next header key. */
final class RootKey {
    static final int LENGTH = 32;

    private final SecretBytes key;

    RootKey(SecretBytes key) {
        this.key = Secrets.checkLength(key, LENGTH, "root key");
    }

    /** The result of KDF_RK: the next root key, a new chain key and the next header key for that direction. */
    record Step(RootKey rootKey, ChainKey chainKey, HeaderKey nextHeaderKey) {}

    /** KDF_RK(rk, dh) = HKDF(salt = rk, ikm = dh, info = "Sotto v1 ratchet root", 96) split 32/32/32. */
    Step advance(CipherSuite suite, SecretBytes dhOutput) {
        SecretBytes okm = Hkdf.derive(suite.hash(), key.reveal(), dhOutput, RatchetKdf.ROOT_INFO, 3 * LENGTH);
        try {
            SecretBytes[] parts = Secrets.split(okm, LENGTH, LENGTH, LENGTH);
            return new Step(new RootKey(parts[0]), new ChainKey(parts[1]), new HeaderKey(parts[2]));
        } finally {
            okm.wipe();
        }
    }

    SecretBytes secret() {
        return key;
    }

    @Override
    public String toString() {
        return "RootKey[redacted]";
    }
}
