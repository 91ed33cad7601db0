package im.sotto.protocol.crypto;

import java.util.Optional;

/**
 * A named combination of key agreement, AEAD and hash, with a stable numeric id on the wire. Ids are never reused:
 * a retired suite keeps its number. Id 3 is reserved for the hybrid X25519+ML-KEM-768 suite (offline-sessions
 * issue), whose key agreement adds a KEM to X25519.
 */
public enum CipherSuite {
    /** The default: AES-GCM runs in hardware on every CPU Sotto targets. */
    X25519_AESGCM_SHA256(1, AeadAlgorithm.AES_256_GCM, HashAlgorithm.SHA256),
    /** For CPUs without AES instructions. */
    X25519_CHACHAPOLY_SHA256(2, AeadAlgorithm.CHACHA20_POLY1305, HashAlgorithm.SHA256);

    private final int wireId;
    private final AeadAlgorithm aead;
    private final HashAlgorithm hash;

    CipherSuite(int wireId, AeadAlgorithm aead, HashAlgorithm hash) {
        this.wireId = wireId;
        this.aead = aead;
        this.hash = hash;
    }

    public int wireId() {
        return wireId;
    }

    public AeadAlgorithm aead() {
        return aead;
    }

    public HashAlgorithm hash() {
        return hash;
    }

    /** The DH function's name in a Noise protocol name. */
    public String dhName() {
        return "25519";
    }

    /** The suffix of a Noise protocol name, e.g. {@code 25519_AESGCM_SHA256}. */
    public String noiseSuffix() {
        return dhName() + "_" + aead.noiseName() + "_" + hash.noiseName();
    }

    public static Optional<CipherSuite> fromWireId(int id) {
        for (CipherSuite s : values()) {
            if (s.wireId == id) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
