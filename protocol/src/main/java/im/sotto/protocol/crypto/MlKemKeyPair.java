package im.sotto.protocol.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;

/**
 * An ML-KEM-768 key pair. Its storage form is the 64-byte seed d || z ({@link #seed()}), from which FIPS 203 key
 * generation is deterministic; the expanded 2,400-byte decapsulation key is derived from it, kept inside this object
 * and only read out as {@link SecretBytes}.
 */
public final class MlKemKeyPair {
    private final SecretBytes seed;
    private final MLKEMPrivateKeyParameters privateKey;
    private final MlKemEncapsulationKey encapsulationKey;

    private MlKemKeyPair(SecretBytes seed, MLKEMPrivateKeyParameters privateKey) {
        this.seed = seed;
        this.privateKey = privateKey;
        this.encapsulationKey = MlKemEncapsulationKey.ofTrusted(privateKey.getPublicKeyParameters());
    }

    public static MlKemKeyPair generate(SecureRandom random) {
        return MlKem768.generateKeyPair(random);
    }

    /** Deterministic key generation (FIPS 203 ML-KEM.KeyGen_internal) from a stored 64-byte seed d || z. */
    public static MlKemKeyPair fromSeed(SecretBytes seed) {
        if (seed.length() != MlKem768.SEED_LENGTH) {
            throw new IllegalArgumentException("ML-KEM-768 seed must be " + MlKem768.SEED_LENGTH + " bytes (d || z)");
        }
        SecretBytes own = SecretBytes.copyOf(seed.unsafeView());
        return new MlKemKeyPair(own, new MLKEMPrivateKeyParameters(MlKem768.PARAMETERS, own.unsafeView()));
    }

    /** The 64-byte seed d || z: what a store should persist. */
    public SecretBytes seed() {
        return SecretBytes.copyOf(seed.unsafeView());
    }

    /** The FIPS 203 expanded decapsulation key (2,400 bytes), for interoperability; prefer {@link #seed()}. */
    public SecretBytes decapsulationKey() {
        return SecretBytes.adopt(privateKey.getEncoded()); // always the expanded form in BouncyCastle 1.87
    }

    public MlKemEncapsulationKey encapsulationKey() {
        return encapsulationKey;
    }

    /** The shared secret a ciphertext carries; a tampered ciphertext gives an unrelated pseudo-random secret. */
    public SecretBytes decapsulate(byte[] ciphertext) throws InvalidCiphertextException {
        return MlKem768.decapsulate(privateKey, ciphertext);
    }

    /** Best-effort erasure of the seed and the expanded key; the pair must not be used afterwards. */
    public void wipe() {
        seed.wipe();
        privateKey.destroy();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlKemKeyPair && seed.equalsSecret(((MlKemKeyPair) o).seed);
    }

    @Override
    public int hashCode() {
        return encapsulationKey.hashCode();
    }

    @Override
    public String toString() {
        return "MlKemKeyPair[private redacted]";
    }
}
