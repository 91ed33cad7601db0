package im.sotto.protocol.crypto;

import java.util.Optional;

/**
 * A named combination of key agreement, AEAD and hash, with a stable numeric id on the wire. Ids are never reused:
 * a retired suite keeps its number.
 *
 * <p>Id 3 is the hybrid suite: X25519 plus ML-KEM-768 (FIPS 203), whose key agreement adds a KEM to X25519 so a
 * session stays confidential unless both are broken. Its Noise name follows the "hybrid forward secrecy" naming,
 * DH and KEM joined by a plus sign: {@code 25519+MLKEM768_AESGCM_SHA256}. The primitive exists
 * ({@link MlKem768}); the online handshake does not speak this suite yet and must not offer or select it until the
 * hybrid pattern is implemented (see {@link #isHybrid()}).
 */
public enum CipherSuite {
    /** The default: AES-GCM runs in hardware on every CPU Sotto targets. */
    X25519_AESGCM_SHA256(1, null, AeadAlgorithm.AES_256_GCM, HashAlgorithm.SHA256),
    /** For CPUs without AES instructions. */
    X25519_CHACHAPOLY_SHA256(2, null, AeadAlgorithm.CHACHA20_POLY1305, HashAlgorithm.SHA256),
    /** X25519 and ML-KEM-768 together, for sessions that must stay secret against a future quantum computer. */
    X25519MLKEM768_AESGCM_SHA256(3, "MLKEM768", AeadAlgorithm.AES_256_GCM, HashAlgorithm.SHA256);

    private final int wireId;
    private final String kemName; // null for the classical suites
    private final AeadAlgorithm aead;
    private final HashAlgorithm hash;

    CipherSuite(int wireId, String kemName, AeadAlgorithm aead, HashAlgorithm hash) {
        this.wireId = wireId;
        this.kemName = kemName;
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

    /** True when the key agreement adds ML-KEM-768 to X25519; only for {@link #X25519MLKEM768_AESGCM_SHA256}. */
    public boolean isHybrid() {
        return kemName != null;
    }

    /** The DH function's name in a Noise protocol name. */
    public String dhName() {
        return "25519";
    }

    /**
     * The suffix of a Noise protocol name, e.g. {@code 25519_AESGCM_SHA256}; for the hybrid suite the KEM follows the
     * DH function after a plus sign, {@code 25519+MLKEM768_AESGCM_SHA256}.
     */
    public String noiseSuffix() {
        String keyAgreement = isHybrid() ? dhName() + "+" + kemName : dhName();
        return keyAgreement + "_" + aead.noiseName() + "_" + hash.noiseName();
    }

    /**
     * Suites as one byte of bits, as offers and bundles carry them: suite id n is bit n-1. Ids above 8 do not fit;
     * no suite has one.
     */
    public static int bitmask(java.util.Collection<CipherSuite> suites) {
        int bits = 0;
        for (CipherSuite s : suites) {
            bits |= 1 << (s.wireId() - 1);
        }
        return bits;
    }

    /** The known suites named in a byte of bits; bits for ids this implementation does not know are ignored. */
    public static java.util.Set<CipherSuite> fromBitmask(int bits) {
        java.util.Set<CipherSuite> out = java.util.EnumSet.noneOf(CipherSuite.class);
        for (CipherSuite s : values()) {
            if ((bits & (1 << (s.wireId() - 1))) != 0) {
                out.add(s);
            }
        }
        return out;
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
