package im.sotto.protocol.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;

/**
 * ML-KEM-768 (FIPS 203) on BouncyCastle's lightweight implementation. Randomness always comes from the caller's
 * {@link SecureRandom}; there is no way to choose the encapsulation's message m outside the random source.
 *
 * <p>Input checks follow FIPS 203 sections 7.2 and 7.3: a peer's encapsulation key is checked for length and
 * modulus when it is parsed ({@link MlKemEncapsulationKey#fromBytes}); a ciphertext of the wrong length is a typed
 * error; a ciphertext of the right length is never an error (implicit rejection: a tampered one decapsulates to a
 * pseudo-random secret derived from the key's z, which matches nothing the sender holds).
 */
public final class MlKem768 {
    /** FIPS 203 table 3, ML-KEM-768: ek = 384k + 32 bytes with k = 3. */
    public static final int ENCAPSULATION_KEY_LENGTH = 1184;
    /** The expanded decapsulation key dk = 768k + 96 bytes (FIPS 203 table 3). */
    public static final int DECAPSULATION_KEY_LENGTH = 2400;
    /** dk_PKE, the first part of the expanded decapsulation key: 384k bytes (FIPS 203 algorithm 16). */
    private static final int PKE_SECRET_KEY_LENGTH = 1152;
    /** The seed d || z from which key generation is deterministic (FIPS 203 algorithm 16). */
    public static final int SEED_LENGTH = 64;
    /** c = 32(du k + dv) bytes with du = 10, dv = 4 (FIPS 203 table 3). */
    public static final int CIPHERTEXT_LENGTH = 1088;
    public static final int SHARED_SECRET_LENGTH = 32;

    static final MLKEMParameters PARAMETERS = MLKEMParameters.ml_kem_768;

    private MlKem768() {}

    /** A fresh key pair: d and z drawn from {@code random}. */
    public static MlKemKeyPair generateKeyPair(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return MlKemKeyPair.fromSeed(SecretBytes.adopt(seed));
    }

    /** Encapsulates a fresh 32-byte secret to {@code peerKey}; the message m is drawn from {@code random}. */
    public static MlKemEncapsulation encapsulate(MlKemEncapsulationKey peerKey, SecureRandom random) {
        SecretWithEncapsulation result = new MLKEMGenerator(random).generateEncapsulated(peerKey.parameters());
        try {
            return new MlKemEncapsulation(result.getEncapsulation(), SecretBytes.adopt(result.getSecret()));
        } finally {
            destroyQuietly(result);
        }
    }

    /**
     * Decapsulates with a decapsulation key in the FIPS 203 expanded form ({@value #DECAPSULATION_KEY_LENGTH}
     * bytes), after the section 7.3 checks on the key: its length, and the hash H(ek) it embeds. A key failing
     * them is the caller's own broken key, an {@link IllegalArgumentException}. Key pairs made here decapsulate
     * with {@link MlKemKeyPair#decapsulate}, which skips re-parsing the key.
     */
    public static SecretBytes decapsulate(SecretBytes decapsulationKey, byte[] ciphertext)
            throws InvalidCiphertextException {
        if (decapsulationKey.length() != DECAPSULATION_KEY_LENGTH) {
            throw new IllegalArgumentException("ML-KEM-768 decapsulation key must be " + DECAPSULATION_KEY_LENGTH
                    + " bytes");
        }
        MLKEMPrivateKeyParameters key;
        try {
            key = new MLKEMPrivateKeyParameters(PARAMETERS, decapsulationKey.unsafeView());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ML-KEM-768 decapsulation key fails the hash check of FIPS 203 7.3");
        }
        try {
            return decapsulate(key, ciphertext);
        } finally {
            key.destroy();
        }
    }

    /**
     * Whether an expanded decapsulation key embeds {@code encapsulationKey}: FIPS 203 lays dk out as dk_PKE (384k
     * bytes), then ek, then H(ek) and z. For a caller that stores both halves and wants to know they still belong
     * together, without a key generation.
     */
    public static boolean embedsEncapsulationKey(SecretBytes decapsulationKey, byte[] encapsulationKey) {
        if (decapsulationKey.length() != DECAPSULATION_KEY_LENGTH || encapsulationKey == null
                || encapsulationKey.length != ENCAPSULATION_KEY_LENGTH) {
            return false;
        }
        byte[] embedded = java.util.Arrays.copyOfRange(decapsulationKey.unsafeView(), PKE_SECRET_KEY_LENGTH,
                PKE_SECRET_KEY_LENGTH + ENCAPSULATION_KEY_LENGTH);
        return ConstantTime.equals(embedded, encapsulationKey);
    }

    static SecretBytes decapsulate(MLKEMPrivateKeyParameters key, byte[] ciphertext)
            throws InvalidCiphertextException {
        if (ciphertext == null || ciphertext.length != CIPHERTEXT_LENGTH) {
            throw new InvalidCiphertextException("ML-KEM-768 ciphertext must be " + CIPHERTEXT_LENGTH + " bytes");
        }
        return SecretBytes.adopt(new MLKEMExtractor(key).extractSecret(ciphertext));
    }

    private static void destroyQuietly(SecretWithEncapsulation result) {
        try {
            result.destroy();
        } catch (javax.security.auth.DestroyFailedException e) {
            // Best effort: the secret was copied into SecretBytes, which the caller wipes.
        }
    }
}
