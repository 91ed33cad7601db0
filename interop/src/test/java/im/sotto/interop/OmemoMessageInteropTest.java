package im.sotto.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoDecryption;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.store.SessionAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.whispersystems.libsignal.SignalProtocolAddress;
import org.whispersystems.libsignal.protocol.CiphertextMessage;

/**
 * Whole OMEMO 0.3 messages: the payload layer as OMEMO clients built on signal-protocol-java do it (AES-128-GCM, the
 * key and tag through the session), written here with the JDK on the peer's side, in both directions and with the
 * older 16-byte IV and 16-byte key material.
 */
class OmemoMessageInteropTest {
    private final SottoDevice sotto = new SottoDevice();
    private final SignalPeer signal;
    private final SessionAddress signalAtSotto;
    private final SignalProtocolAddress sottoAtSignal;
    private final SecureRandom random = new SecureRandom();

    OmemoMessageInteropTest() throws Exception {
        signal = new SignalPeer();
        signalAtSotto = new SessionAddress("peer@example.org", signal.deviceId);
        sottoAtSignal = new SignalProtocolAddress("sotto@example.org", sotto.keys.deviceId());
        signal.buildSessionFrom(sottoAtSignal, sotto.keys.bundle());
    }

    @Test
    void aSottoMessageOpensAtTheSignalClient() throws Exception {
        // Both sides start a session at once (the peer built one in the constructor): the peer keeps both states.
        sotto.sessions.buildSession(signalAtSotto, signal.bundleForSotto());
        OmemoMessage message = sotto.messages.encrypt(utf8("Grüße aus Sotto"), List.of(signalAtSotto));
        assertEquals(12, message.iv().length);
        EncryptedKey key = message.keys().get(0);
        assertEquals(signal.deviceId, key.recipientDeviceId());
        byte[] material = signal.decrypt(sottoAtSignal, key.data(), key.preKey());
        assertEquals(32, material.length, "key (16) and GCM tag (16)");
        byte[] payload = message.payload().orElseThrow();
        byte[] sealed = Arrays.copyOf(payload, payload.length + 16);
        System.arraycopy(material, 16, sealed, payload.length, 16);
        assertArrayEquals(utf8("Grüße aus Sotto"), gcm(Cipher.DECRYPT_MODE, Arrays.copyOf(material, 16),
                message.iv(), sealed));
    }

    @Test
    void aSignalClientMessageOpensInSottoWithEitherIvLength() throws Exception {
        for (int ivLength : new int[] {12, 16}) {
            byte[] key = new byte[16];
            byte[] iv = new byte[ivLength];
            random.nextBytes(key);
            random.nextBytes(iv);
            byte[] sealed = gcm(Cipher.ENCRYPT_MODE, key, iv, utf8("from the client, iv " + ivLength));
            byte[] payload = Arrays.copyOf(sealed, sealed.length - 16);
            byte[] material = Arrays.copyOf(key, 32);
            System.arraycopy(sealed, payload.length, material, 16, 16);
            CiphertextMessage m = signal.encrypt(sottoAtSignal, material);
            OmemoMessage message = OmemoMessage.withPayload(signal.deviceId, iv, List.of(new EncryptedKey(
                    sotto.keys.deviceId(), m.getType() == CiphertextMessage.PREKEY_TYPE, m.serialize())), payload);
            OmemoDecryption result = sotto.messages.decrypt(signalAtSotto, message);
            assertArrayEquals(utf8("from the client, iv " + ivLength),
                    assertInstanceOf(OmemoDecryption.Message.class, result, result::toString).plaintext());
        }
    }

    @Test
    void olderClientsKeyOnlyMaterialWithTheTagInThePayload() throws Exception {
        byte[] key = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(key);
        random.nextBytes(iv);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, key, iv, utf8("legacy"));
        CiphertextMessage m = signal.encrypt(sottoAtSignal, key);
        OmemoMessage message = OmemoMessage.withPayload(signal.deviceId, iv, List.of(new EncryptedKey(
                sotto.keys.deviceId(), true, m.serialize())), sealed);
        assertArrayEquals(utf8("legacy"), assertInstanceOf(OmemoDecryption.Message.class,
                sotto.messages.decrypt(signalAtSotto, message)).plaintext());
    }

    @Test
    void aKeyTransportFromTheClientAndAForgedPayload() throws Exception {
        CiphertextMessage transport = signal.encrypt(sottoAtSignal, new byte[32]);
        OmemoMessage keyTransport = OmemoMessage.keyTransport(signal.deviceId, new byte[12], List.of(
                new EncryptedKey(sotto.keys.deviceId(), true, transport.serialize())));
        assertInstanceOf(OmemoDecryption.KeyTransport.class, sotto.messages.decrypt(signalAtSotto, keyTransport));

        byte[] key = new byte[16];
        byte[] iv = new byte[12];
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, key, iv, utf8("genuine"));
        byte[] material = Arrays.copyOf(key, 32);
        System.arraycopy(sealed, sealed.length - 16, material, 16, 16);
        byte[] forgedPayload = Arrays.copyOf(sealed, sealed.length - 16);
        forgedPayload[0] ^= 1;
        CiphertextMessage m = signal.encrypt(sottoAtSignal, material);
        byte[] before = sotto.store.load(signalAtSotto).orElseThrow();
        OmemoMessage forged = OmemoMessage.withPayload(signal.deviceId, iv, List.of(new EncryptedKey(
                sotto.keys.deviceId(), m.getType() == CiphertextMessage.PREKEY_TYPE, m.serialize())), forgedPayload);
        assertEquals(new OmemoDecryption.Failed(OmemoFailure.PAYLOAD_AUTHENTICATION_FAILED),
                sotto.messages.decrypt(signalAtSotto, forged));
        assertArrayEquals(before, sotto.store.load(signalAtSotto).orElseThrow(), "a forged payload changes nothing");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gcm(int mode, byte[] key, byte[] iv, byte[] input) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        return c.doFinal(input);
    }
}
