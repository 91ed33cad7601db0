package im.sotto.protocol.omemo;

import im.sotto.protocol.store.SessionAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * OMEMO 0.3 message encryption: the body under AES-128-GCM with a fresh random key and 12-byte IV, the key and the
 * 16-byte GCM tag (32 bytes of key material) sent to every recipient device through its session. On receipt, the
 * 16-byte IVs of older clients and their 16-byte key material (the tag then ends the payload) are accepted too.
 */
public final class OmemoMessageCipher {
    public static final int KEY_LENGTH = 16;
    public static final int TAG_LENGTH = 16;
    public static final int IV_LENGTH = 12;
    /** Older OMEMO clients sent 16-byte IVs, which GCM accepts (it hashes them into the counter block). */
    public static final int LEGACY_IV_LENGTH = 16;

    private final OmemoSessionCipher sessions;
    private final int ownDeviceId;
    private final SecureRandom random;

    public OmemoMessageCipher(OmemoSessionCipher sessions, int ownDeviceId, SecureRandom random) {
        this.sessions = sessions;
        this.ownDeviceId = ownDeviceId;
        this.random = random;
    }

    /**
     * Encrypts a body for every listed device (the peer's and our own other devices). Each must have a session;
     * otherwise nothing is encrypted or stored and NO_SESSION is thrown.
     */
    public OmemoMessage encrypt(byte[] plaintext, List<SessionAddress> recipients) throws OmemoException {
        if (plaintext.length > OmemoLimits.MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("OMEMO payload over " + OmemoLimits.MAX_PAYLOAD_LENGTH + " bytes");
        }
        requireSessions(recipients);
        byte[] key = new byte[KEY_LENGTH];
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(key);
        random.nextBytes(iv);
        byte[] sealed;
        try {
            sealed = gcm(Cipher.ENCRYPT_MODE, key, iv, plaintext);
        } catch (AEADBadTagException impossible) {
            throw new IllegalStateException("AES-GCM encryption reported a tag mismatch", impossible);
        }
        byte[] payload = Arrays.copyOf(sealed, sealed.length - TAG_LENGTH);
        byte[] material = Arrays.copyOf(key, KEY_LENGTH + TAG_LENGTH);
        System.arraycopy(sealed, payload.length, material, KEY_LENGTH, TAG_LENGTH);
        try {
            return OmemoMessage.withPayload(ownDeviceId, iv, encryptKeys(material, recipients), payload);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * A key transport message (no payload): moves the listed sessions forward, e.g. to answer a prekey message so the
     * peer stops repeating it. The key material is 32 random bytes, the size of a normal message's.
     */
    public OmemoMessage keyTransport(List<SessionAddress> recipients) throws OmemoException {
        requireSessions(recipients);
        byte[] material = new byte[KEY_LENGTH + TAG_LENGTH];
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(material);
        random.nextBytes(iv);
        try {
            return OmemoMessage.keyTransport(ownDeviceId, iv, encryptKeys(material, recipients));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * Decrypts a message from {@code sender} (its bare JID and the message's sid). The session is stored only if the
     * payload also authenticates, so a message with a valid key but a forged payload changes nothing.
     */
    public OmemoDecryption decrypt(SessionAddress sender, OmemoMessage message) {
        if (sender.deviceId() != message.senderDeviceId()) {
            throw new IllegalArgumentException("sender address and message sid differ");
        }
        byte[] iv = message.iv();
        if (iv.length != IV_LENGTH && iv.length != LEGACY_IV_LENGTH) {
            return new OmemoDecryption.Failed(OmemoFailure.MALFORMED);
        }
        Optional<byte[]> payload = message.payload();
        if (payload.isPresent() && payload.get().length > OmemoLimits.MAX_PAYLOAD_LENGTH + TAG_LENGTH) {
            return new OmemoDecryption.Failed(OmemoFailure.MALFORMED);
        }
        OmemoFailure failure = OmemoFailure.NOT_FOR_THIS_DEVICE;
        for (EncryptedKey key : message.keys()) {
            if (key.recipientDeviceId() != ownDeviceId) {
                continue;
            }
            byte[][] plaintext = new byte[1][];
            KeyDecryption result = sessions.decrypt(sender, key, material -> {
                if (payload.isEmpty()) {
                    return Optional.empty();
                }
                try {
                    plaintext[0] = openPayload(material, iv, payload.get());
                    return Optional.empty();
                } catch (OmemoException e) {
                    return Optional.of(e.reason());
                }
            });
            if (result instanceof KeyDecryption.Decrypted decrypted) {
                return payload.isEmpty() ? new OmemoDecryption.KeyTransport(decrypted)
                        : new OmemoDecryption.Message(plaintext[0], decrypted);
            }
            // Two keys for our id (another account's device shares it): the other may be ours.
            failure = ((KeyDecryption.Failed) result).reason();
        }
        return new OmemoDecryption.Failed(failure);
    }

    private static byte[] openPayload(byte[] material, byte[] iv, byte[] payload) throws OmemoException {
        byte[] key;
        byte[] sealed;
        if (material.length == KEY_LENGTH + TAG_LENGTH) {
            key = Arrays.copyOf(material, KEY_LENGTH);
            sealed = Arrays.copyOf(payload, payload.length + TAG_LENGTH);
            System.arraycopy(material, KEY_LENGTH, sealed, payload.length, TAG_LENGTH);
        } else if (material.length == KEY_LENGTH) {
            // Older clients appended the tag to the payload and sent only the key.
            key = material.clone();
            sealed = payload;
        } else {
            throw new OmemoException(OmemoFailure.BAD_KEY_MATERIAL, material.length + " bytes of key material");
        }
        try {
            return gcmOpen(key, iv, sealed);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private void requireSessions(List<SessionAddress> recipients) throws OmemoException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipient devices");
        }
        for (SessionAddress r : recipients) {
            if (!sessions.hasSession(r)) {
                throw new OmemoException(OmemoFailure.NO_SESSION, "no OMEMO session with " + r.peer() + " device "
                        + r.deviceId());
            }
        }
    }

    private List<EncryptedKey> encryptKeys(byte[] material, List<SessionAddress> recipients) throws OmemoException {
        List<EncryptedKey> keys = new ArrayList<>(recipients.size());
        for (SessionAddress r : recipients) {
            keys.add(sessions.encrypt(r, material));
        }
        return keys;
    }

    private static byte[] gcmOpen(byte[] key, byte[] iv, byte[] sealed) throws OmemoException {
        if (sealed.length < TAG_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "payload shorter than the GCM tag");
        }
        try {
            return gcm(Cipher.DECRYPT_MODE, key, iv, sealed);
        } catch (AEADBadTagException e) {
            throw new OmemoException(OmemoFailure.PAYLOAD_AUTHENTICATION_FAILED, "GCM tag mismatch");
        }
    }

    private static byte[] gcm(int mode, byte[] key, byte[] iv, byte[] input) throws AEADBadTagException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, iv));
            return c.doFinal(input);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM provider failure", e);
        }
    }
}
