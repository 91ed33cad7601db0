package im.sotto.bench.sidebyside;

import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.whispersystems.libsignal.IdentityKeyPair;
import org.whispersystems.libsignal.SessionBuilder;
import org.whispersystems.libsignal.SessionCipher;
import org.whispersystems.libsignal.SignalProtocolAddress;
import org.whispersystems.libsignal.ecc.Curve;
import org.whispersystems.libsignal.protocol.CiphertextMessage;
import org.whispersystems.libsignal.protocol.PreKeySignalMessage;
import org.whispersystems.libsignal.protocol.SignalMessage;
import org.whispersystems.libsignal.state.PreKeyBundle;
import org.whispersystems.libsignal.state.PreKeyRecord;
import org.whispersystems.libsignal.state.SignedPreKeyRecord;
import org.whispersystems.libsignal.state.impl.InMemorySignalProtocolStore;
import org.whispersystems.libsignal.util.KeyHelper;

/**
 * The same OMEMO 0.3 message as {@link SottoOmemoParties} on signal-protocol-java 2.8.1 (the library under Smack's
 * OMEMO and the Android clients), put together the way those clients do it: the body under AES-128-GCM (JCA, 12-byte
 * IV), the 16-byte key and the 16-byte tag through the library's session cipher. Both sides use the library's
 * in-memory store, which keeps every session serialized.
 */
public final class SignalJavaOmemo {
    private static final int PRE_KEY_ID = 7;
    private static final int SIGNED_PRE_KEY_ID = 1;
    private static final int KEY_LENGTH = 16;
    private static final int TAG_BITS = 128;
    private static final int IV_LENGTH = 12;

    private final SecureRandom random = new SecureRandom();
    private final SignalProtocolAddress aliceAddress = new SignalProtocolAddress("alice@example.org", 1);
    private final SignalProtocolAddress bobAddress = new SignalProtocolAddress("bob@example.org", 2);
    private final SignalProtocolAddress aliceOffline = new SignalProtocolAddress("alice-offline@example.org", 1);
    private final InMemorySignalProtocolStore aliceStore;
    private final InMemorySignalProtocolStore bobStore;
    private final PreKeyRecord preKey;
    private final PreKeyBundle bundle;
    private final SessionCipher aliceToBob;
    private final SessionCipher bobToAlice;
    private final SessionCipher bobToAliceOffline;
    // The setup figure's Alice: the same identity in a store of its own, so the established session stays untouched.
    private final InMemorySignalProtocolStore offlineStore;
    private final SessionCipher offlineToBob;

    /**
     * One OMEMO 0.3 message: the body's ciphertext (tag removed), its IV, the ratchet message with key and tag, and
     * whether that is a prekey message (the {@code prekey} attribute of OMEMO's {@code <key/>}).
     */
    private record Message(byte[] payload, byte[] iv, byte[] key, boolean preKey) {
    }

    public SignalJavaOmemo() throws Exception {
        IdentityKeyPair aliceIdentity = KeyHelper.generateIdentityKeyPair();
        IdentityKeyPair bobIdentity = KeyHelper.generateIdentityKeyPair();
        aliceStore = new InMemorySignalProtocolStore(aliceIdentity, KeyHelper.generateRegistrationId(false));
        bobStore = new InMemorySignalProtocolStore(bobIdentity, KeyHelper.generateRegistrationId(false));
        preKey = new PreKeyRecord(PRE_KEY_ID, Curve.generateKeyPair());
        SignedPreKeyRecord signed = KeyHelper.generateSignedPreKey(bobIdentity, SIGNED_PRE_KEY_ID);
        bobStore.storePreKey(PRE_KEY_ID, preKey);
        bobStore.storeSignedPreKey(SIGNED_PRE_KEY_ID, signed);
        bundle = new PreKeyBundle(bobStore.getLocalRegistrationId(), bobAddress.getDeviceId(), PRE_KEY_ID,
                preKey.getKeyPair().getPublicKey(), SIGNED_PRE_KEY_ID, signed.getKeyPair().getPublicKey(),
                signed.getSignature(), bobIdentity.getPublicKey());
        aliceToBob = new SessionCipher(aliceStore, bobAddress);
        bobToAlice = new SessionCipher(bobStore, aliceAddress);
        bobToAliceOffline = new SessionCipher(bobStore, aliceOffline);
        offlineStore = new InMemorySignalProtocolStore(aliceIdentity, aliceStore.getLocalRegistrationId());
        offlineToBob = new SessionCipher(offlineStore, bobAddress);
    }

    /** A session from Bob's bundle: Alice's prekey message, Bob's answer, one more from Alice. */
    public void establish() throws Exception {
        new SessionBuilder(aliceStore, bobAddress).process(bundle);
        read(bobToAlice, send(aliceToBob));
        bobStore.storePreKey(PRE_KEY_ID, preKey);
        read(aliceToBob, send(bobToAlice));
        read(bobToAlice, send(aliceToBob));
    }

    /** Alice to Bob on the established session. */
    public byte[] oneWay() throws Exception {
        return read(bobToAlice, send(aliceToBob));
    }

    /** Alice to Bob, Bob to Alice: a DH ratchet step on each receipt. */
    public byte[] pingPong() throws Exception {
        read(bobToAlice, send(aliceToBob));
        return read(aliceToBob, send(bobToAlice));
    }

    /** Offline setup from Bob's bundle to a read prekey message; then the prekey is put back, the sessions deleted. */
    public byte[] setup() throws Exception {
        new SessionBuilder(offlineStore, bobAddress).process(bundle);
        byte[] plaintext = read(bobToAliceOffline, send(offlineToBob));
        bobStore.storePreKey(PRE_KEY_ID, preKey);
        offlineStore.deleteSession(bobAddress);
        bobStore.deleteSession(aliceOffline);
        return plaintext;
    }

    private Message send(SessionCipher session) throws Exception {
        byte[] key = new byte[KEY_LENGTH];
        byte[] iv = new byte[IV_LENGTH];
        random.nextBytes(key);
        random.nextBytes(iv);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
        byte[] sealed = aes.doFinal(Anchors.PAYLOAD);
        int bodyLength = sealed.length - TAG_BITS / 8;
        byte[] keyAndTag = new byte[KEY_LENGTH + TAG_BITS / 8];
        System.arraycopy(key, 0, keyAndTag, 0, KEY_LENGTH);
        System.arraycopy(sealed, bodyLength, keyAndTag, KEY_LENGTH, TAG_BITS / 8);
        CiphertextMessage ratchet = session.encrypt(keyAndTag);
        return new Message(Arrays.copyOf(sealed, bodyLength), iv, ratchet.serialize(),
                ratchet.getType() == CiphertextMessage.PREKEY_TYPE);
    }

    private static byte[] read(SessionCipher session, Message message) throws Exception {
        byte[] keyAndTag = message.preKey() ? session.decrypt(new PreKeySignalMessage(message.key()))
                : session.decrypt(new SignalMessage(message.key()));
        byte[] sealed = Arrays.copyOf(message.payload(), message.payload().length + TAG_BITS / 8);
        System.arraycopy(keyAndTag, KEY_LENGTH, sealed, message.payload().length, TAG_BITS / 8);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyAndTag, 0, KEY_LENGTH, "AES"),
                new GCMParameterSpec(TAG_BITS, message.iv()));
        return aes.doFinal(sealed);
    }
}
