package im.sotto.protocol.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;

/**
 * An ML-KEM-768 encapsulation (public) key, 1,184 bytes, that passed the FIPS 203 input checks (section 7.2): the
 * right length, and every one of its 768 12-bit coefficients below q = 3329 (the modulus check).
 */
public final class MlKemEncapsulationKey {
    private final byte[] encoded;
    private final MLKEMPublicKeyParameters parameters;

    private MlKemEncapsulationKey(byte[] encoded, MLKEMPublicKeyParameters parameters) {
        this.encoded = encoded;
        this.parameters = parameters;
    }

    /** Parses and checks a peer's key. */
    public static MlKemEncapsulationKey fromBytes(byte[] encoded) throws InvalidPublicKeyException {
        if (encoded == null || encoded.length != MlKem768.ENCAPSULATION_KEY_LENGTH) {
            throw new InvalidPublicKeyException("ML-KEM-768 encapsulation key must be "
                    + MlKem768.ENCAPSULATION_KEY_LENGTH + " bytes");
        }
        byte[] copy = encoded.clone();
        try {
            return new MlKemEncapsulationKey(copy, new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_768, copy));
        } catch (IllegalArgumentException e) {
            // BouncyCastle's only other complaint, the length, was checked above.
            throw new InvalidPublicKeyException("ML-KEM-768 encapsulation key fails the modulus check");
        }
    }

    /** For keys this process derived itself from a decapsulation key; BouncyCastle re-checks the modulus. */
    static MlKemEncapsulationKey ofTrusted(MLKEMPublicKeyParameters parameters) {
        return new MlKemEncapsulationKey(parameters.getEncoded(), parameters);
    }

    public byte[] toBytes() {
        return encoded.clone();
    }

    MLKEMPublicKeyParameters parameters() {
        return parameters;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlKemEncapsulationKey && Arrays.equals(encoded, ((MlKemEncapsulationKey) o).encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "MlKemEncapsulationKey[" + encoded.length + " bytes]";
    }
}
