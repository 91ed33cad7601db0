package im.sotto.protocol.trust;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.identity.AccountPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The RFC 8410 SubjectPublicKeyInfo of an Ed25519 key: SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING with no
 * unused bits and the 32-byte key }, parameters absent. Only this exact 44-byte DER form is accepted.
 */
final class Ed25519Spki {
    private static final byte[] PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Ed25519Spki() {}

    static Optional<AccountPublicKey> accountKey(byte[] spki) {
        if (spki == null || spki.length != PREFIX.length + Ed25519.PUBLIC_KEY_LENGTH
                || !Arrays.equals(spki, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            return Optional.empty();
        }
        return Optional.of(AccountPublicKey.of(Arrays.copyOfRange(spki, PREFIX.length, spki.length)));
    }

    static byte[] encode(AccountPublicKey key) {
        byte[] out = Arrays.copyOf(PREFIX, PREFIX.length + Ed25519.PUBLIC_KEY_LENGTH);
        System.arraycopy(key.bytes(), 0, out, PREFIX.length, Ed25519.PUBLIC_KEY_LENGTH);
        return out;
    }
}
