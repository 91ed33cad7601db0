package im.sotto.protocol.identity;

import im.sotto.protocol.crypto.Ed25519;
import java.util.Arrays;

/** The public half of an account identity key (Ed25519). This is what users verify and what peers pin. */
public final class AccountPublicKey {
    private final byte[] key;

    private AccountPublicKey(byte[] key) {
        this.key = key;
    }

    public static AccountPublicKey of(byte[] key) {
        if (key == null || key.length != Ed25519.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("account public key must be 32 bytes");
        }
        return new AccountPublicKey(key.clone());
    }

    public byte[] bytes() {
        return key.clone();
    }

    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(key, message, signature);
    }

    public Fingerprint fingerprint() {
        return Fingerprint.of(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccountPublicKey && Arrays.equals(key, ((AccountPublicKey) o).key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "AccountPublicKey[" + fingerprint().shortForm() + "]";
    }
}
