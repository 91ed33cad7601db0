package im.sotto.store;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.RandomNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.wire.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Encrypts every secret column with AES-256-GCM under a key derived from the storage key, and computes the blind
 * indexes (HMAC-SHA-256 under a second derived key) that stand in for peer addresses and other lookup keys, so the
 * file reveals neither secrets nor whom the user talks to.
 *
 * <p>Stored value: version (1) ‖ nonce (12, random per write) ‖ ciphertext and tag. The associated data binds the
 * table, the column and the row's key, so a value moved to another row, column or table fails to decrypt. Random
 * 96-bit nonces keep the collision probability below 2^-32 for up to 2^32 writes under one storage key (NIST SP
 * 800-38D, section 8.3); a store writes a few records per message, so that is billions of messages.
 */
final class RecordCipher {
    static final int FORMAT = 1;
    private static final int OVERHEAD = 1 + AeadAlgorithm.NONCE_LENGTH + AeadAlgorithm.TAG_LENGTH;
    private static final byte[] RECORD_KEY_INFO = ascii("Sotto store v1 record key");
    private static final byte[] INDEX_KEY_INFO = ascii("Sotto store v1 index key");
    private static final byte[] AD_LABEL = ascii("Sotto store v1 record");
    private static final AeadAlgorithm AEAD = AeadAlgorithm.AES_256_GCM;

    private final SecretBytes recordKey;
    private final SecretBytes indexKey;
    private final RandomNonceAead records;

    /** Derives both keys from the 32-byte storage key (which the caller wipes). */
    RecordCipher(SecretBytes storageKey, SecureRandom random) {
        this.recordKey = Hkdf.derive(HashAlgorithm.SHA256, null, storageKey, RECORD_KEY_INFO, 32);
        this.indexKey = Hkdf.derive(HashAlgorithm.SHA256, null, storageKey, INDEX_KEY_INFO, 32);
        this.records = new RandomNonceAead(AEAD, recordKey, random);
    }

    byte[] seal(String table, String column, byte[] rowKey, byte[] plaintext) {
        SealedBox box = records.seal(associatedData(table, column, rowKey), plaintext);
        return new ByteWriter().u8(FORMAT).bytes(box.concatenated()).toByteArray();
    }

    /** Decrypts a stored value; a damaged, moved or foreign value is a {@link StoreFailureException}. */
    byte[] open(String table, String column, byte[] rowKey, byte[] stored) {
        if (stored == null || stored.length < OVERHEAD || stored[0] != FORMAT) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "damaged value in " + table + "."
                    + column + " (bad length or format)");
        }
        try {
            SealedBox box = SealedBox.fromConcatenated(Arrays.copyOfRange(stored, 1, stored.length));
            return records.open(box, associatedData(table, column, rowKey));
        } catch (AuthenticationFailedException e) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "value in " + table + "." + column
                    + " failed its integrity check (damaged, or moved from another row)", e);
        }
    }

    /** The blind index of a lookup key within one domain (a table's key column). */
    byte[] index(String domain, byte[] key) {
        return HashAlgorithm.SHA256.hmac(indexKey, new ByteWriter().vector16(ascii(domain)).bytes(key).toByteArray());
    }

    void wipe() {
        recordKey.wipe();
        indexKey.wipe();
    }

    private static byte[] associatedData(String table, String column, byte[] rowKey) {
        return new ByteWriter().bytes(AD_LABEL).vector16(ascii(table)).vector16(ascii(column)).vector16(rowKey)
                .toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "RecordCipher[keys redacted]";
    }
}
