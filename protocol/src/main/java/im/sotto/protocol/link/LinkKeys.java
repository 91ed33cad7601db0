package im.sotto.protocol.link;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.wire.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of one link attempt, from the CPace ISK (docs/protocol.md 12.3): HKDF-SHA-256 with the session id as
 * salt and the label and transcript hash as info, 96 bytes split into the confirmation key, the key that seals the
 * new device's request and the key that seals the grant. Both sides hold the same only with the same code.
 */
final class LinkKeys {
    static final AeadAlgorithm AEAD = AeadAlgorithm.AES_256_GCM;
    private static final byte[] KEYS_LABEL = ascii("Sotto v1 link keys");
    private static final byte[] CONFIRM_LABEL = ascii("Sotto v1 link confirm");
    private static final byte[] CHANNEL_LABEL = ascii("Sotto v1 link");
    private static final int KEY_LENGTH = 32;

    final SecretBytes confirm;
    final SecretBytes request;
    final SecretBytes grant;

    private LinkKeys(SecretBytes confirm, SecretBytes request, SecretBytes grant) {
        this.confirm = confirm;
        this.request = request;
        this.grant = grant;
    }

    static LinkKeys derive(SecretBytes isk, byte[] sessionId, byte[] transcript) {
        byte[] info = new ByteWriter().bytes(KEYS_LABEL).bytes(HashAlgorithm.SHA256.digest(transcript)).toByteArray();
        SecretBytes okm = Hkdf.derive(HashAlgorithm.SHA256, sessionId, isk, info, 3 * KEY_LENGTH);
        byte[] all = okm.reveal();
        try {
            return new LinkKeys(SecretBytes.copyOf(Arrays.copyOfRange(all, 0, KEY_LENGTH)),
                    SecretBytes.copyOf(Arrays.copyOfRange(all, KEY_LENGTH, 2 * KEY_LENGTH)),
                    SecretBytes.copyOf(Arrays.copyOfRange(all, 2 * KEY_LENGTH, 3 * KEY_LENGTH)));
        } finally {
            Arrays.fill(all, (byte) 0);
            okm.wipe();
            isk.wipe();
        }
    }

    /** The new device's key confirmation: HMAC-SHA-256(confirm key, label || transcript). */
    byte[] confirmation(byte[] transcript) {
        return HashAlgorithm.SHA256.hmac(confirm, CONFIRM_LABEL, transcript);
    }

    /** CPace's channel identifier: the label and the account's bare JID, so a code is bound to one account. */
    static byte[] channelIdentifier(String accountJid) {
        return new ByteWriter().vector16(CHANNEL_LABEL).vector16(accountJid.getBytes(StandardCharsets.UTF_8))
                .toByteArray();
    }

    void wipe() {
        confirm.wipe();
        request.wipe();
        grant.wipe();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
