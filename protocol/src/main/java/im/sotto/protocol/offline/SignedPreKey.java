package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.time.Instant;

/**
 * A signed prekey as its owner keeps it: the X25519 pair, for the hybrid suite the ML-KEM-768 pair, when it was
 * made, and the account key's signature over both public halves.
 */
final class SignedPreKey {
    final long id;
    final Instant created;
    final X25519KeyPair keyPair;
    final byte[] pqPublic;
    final SecretBytes pqSecret;
    final byte[] signature;

    SignedPreKey(long id, Instant created, X25519KeyPair keyPair, byte[] pqPublic, SecretBytes pqSecret,
            byte[] signature) {
        this.id = id;
        this.created = created;
        this.keyPair = keyPair;
        this.pqPublic = pqPublic;
        this.pqSecret = pqSecret;
        this.signature = signature;
    }

    boolean hasPq() {
        return pqPublic != null;
    }

    @Override
    public String toString() {
        return "SignedPreKey[" + id + ", created " + created + ", keys redacted]";
    }
}
