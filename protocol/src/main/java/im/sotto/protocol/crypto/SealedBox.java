package im.sotto.protocol.crypto;

import java.util.Arrays;

/**
 * What {@link RandomNonceAead#seal} returns: the nonce it drew and the ciphertext with its tag. Both travel or are
 * stored together; {@link #concatenated()} is the usual layout, nonce (12) ‖ ciphertext and tag.
 *
 * @param nonce 12 bytes
 * @param ciphertext the ciphertext followed by the 16-byte tag
 */
public record SealedBox(byte[] nonce, byte[] ciphertext) {
    public SealedBox {
        AeadAlgorithm.checkNonce(nonce);
        if (ciphertext.length < AeadAlgorithm.TAG_LENGTH) {
            throw new IllegalArgumentException("ciphertext shorter than the tag");
        }
        nonce = nonce.clone();
        ciphertext = ciphertext.clone();
    }

    /** Splits nonce (12) ‖ ciphertext and tag; too short to hold both is an {@link AuthenticationFailedException}. */
    public static SealedBox fromConcatenated(byte[] stored) throws AuthenticationFailedException {
        if (stored.length < AeadAlgorithm.NONCE_LENGTH + AeadAlgorithm.TAG_LENGTH) {
            throw new AuthenticationFailedException("sealed box shorter than nonce and tag");
        }
        return new SealedBox(Arrays.copyOf(stored, AeadAlgorithm.NONCE_LENGTH),
                Arrays.copyOfRange(stored, AeadAlgorithm.NONCE_LENGTH, stored.length));
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    /** Nonce (12) ‖ ciphertext and tag. */
    public byte[] concatenated() {
        byte[] out = Arrays.copyOf(nonce, nonce.length + ciphertext.length);
        System.arraycopy(ciphertext, 0, out, nonce.length, ciphertext.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedBox other && Arrays.equals(nonce, other.nonce)
                && Arrays.equals(ciphertext, other.ciphertext);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(nonce) + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "SealedBox[" + ciphertext.length + " bytes of ciphertext]";
    }
}
