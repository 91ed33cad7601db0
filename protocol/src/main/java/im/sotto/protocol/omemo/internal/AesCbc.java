package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import java.security.GeneralSecurityException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-CBC with PKCS#7 padding, the body cipher of Signal messages. Only ever run after the message's MAC has been
 * verified, so a padding error cannot serve as an oracle: it means an authenticated but broken sender.
 */
public final class AesCbc {
    private static final String TRANSFORMATION = "AES/CBC/PKCS5Padding";

    private AesCbc() {}

    public static byte[] encrypt(byte[] key, byte[] iv, byte[] plaintext) {
        try {
            return cipher(Cipher.ENCRYPT_MODE, key, iv).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC provider failure", e);
        }
    }

    public static byte[] decrypt(byte[] key, byte[] iv, byte[] ciphertext) throws OmemoException {
        try {
            return cipher(Cipher.DECRYPT_MODE, key, iv).doFinal(ciphertext);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new OmemoException(OmemoFailure.BAD_CIPHERTEXT, "AES-CBC body does not decrypt");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC provider failure", e);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] iv) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance(TRANSFORMATION);
        c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return c;
    }
}
