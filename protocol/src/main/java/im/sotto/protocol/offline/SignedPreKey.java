package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.time.Instant;

/**
 * A signed prekey as its owner keeps it: the X25519 pair, for the hybrid suite the ML-KEM-768 pair, when it was
 * made, and the account key's signature over both public halves in the bundle format it was made for
 * ({@link PreKeyBundle#FORMAT}, or {@link PreKeyBundle#FORMAT_PREKEYS_SIGNED_ONLY} for a key made by an older version
 * and not yet signed again).
 */
final class SignedPreKey {
    final long id;
    final Instant created;
    final X25519KeyPair keyPair;
    final byte[] pqPublic;
    /** The ML-KEM-768 decapsulation key in FIPS 203's expanded form (2,400 bytes), with pqPublic embedded. */
    final SecretBytes pqSecret;
    final int signatureFormat;
    final byte[] signature;

    SignedPreKey(long id, Instant created, X25519KeyPair keyPair, byte[] pqPublic, SecretBytes pqSecret,
            int signatureFormat, byte[] signature) {
        this.id = id;
        this.created = created;
        this.keyPair = keyPair;
        this.pqPublic = pqPublic;
        this.pqSecret = pqSecret;
        this.signatureFormat = signatureFormat;
        this.signature = signature;
    }

    /** The same key with a signature in another bundle format. */
    SignedPreKey resigned(int format, byte[] newSignature) {
        return new SignedPreKey(id, created, keyPair, pqPublic, pqSecret, format, newSignature);
    }

    boolean hasPq() {
        return pqPublic != null;
    }

    @Override
    public String toString() {
        return "SignedPreKey[" + id + ", created " + created + ", keys redacted]";
    }
}
