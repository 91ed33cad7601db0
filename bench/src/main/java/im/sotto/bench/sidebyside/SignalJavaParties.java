package im.sotto.bench.sidebyside;

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
import org.whispersystems.libsignal.state.SessionRecord;
import org.whispersystems.libsignal.state.SignedPreKeyRecord;
import org.whispersystems.libsignal.state.impl.InMemorySignalProtocolStore;
import org.whispersystems.libsignal.util.KeyHelper;

/**
 * Alice and Bob on signal-protocol-java 2.8.1 (pure Java, the core under Smack's OMEMO), each with the library's
 * in-memory store, which keeps every session serialized and parses it on every load. Messages travel as bytes and
 * are parsed on receipt, as they would be off the wire. No header encryption (the library has none).
 */
public final class SignalJavaParties {
    private static final int PRE_KEY_ID = 7;
    private static final int SIGNED_PRE_KEY_ID = 1;

    final SignalProtocolAddress aliceAddress = new SignalProtocolAddress("alice@example.org", 1);
    final SignalProtocolAddress bobAddress = new SignalProtocolAddress("bob@example.org", 2);
    final InMemorySignalProtocolStore aliceStore;
    final InMemorySignalProtocolStore bobStore;
    private final PreKeyRecord preKey;
    private final PreKeyBundle bundle;
    private final SessionCipher aliceToBob;
    private final SessionCipher bobToAlice;
    // The offline figure sets sessions up under addresses of their own, so it never touches the established one.
    final SignalProtocolAddress aliceOffline = new SignalProtocolAddress("alice-offline@example.org", 1);
    final SignalProtocolAddress bobOffline = new SignalProtocolAddress("bob-offline@example.org", 2);
    private final SessionCipher aliceToBobOffline;
    private final SessionCipher bobToAliceOffline;
    private SessionRecord aliceSnapshot;
    private SessionRecord bobSnapshot;
    private int sinceRewind;

    public SignalJavaParties() throws Exception {
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
        aliceToBobOffline = new SessionCipher(aliceStore, bobOffline);
        bobToAliceOffline = new SessionCipher(bobStore, aliceOffline);
    }

    /** A session from Bob's bundle, one message each way and one more from Alice, then both records saved. */
    public void establish() throws Exception {
        new SessionBuilder(aliceStore, bobAddress).process(bundle);
        bobToAlice.decrypt(new PreKeySignalMessage(aliceToBob.encrypt(Anchors.PAYLOAD).serialize()));
        bobStore.storePreKey(PRE_KEY_ID, preKey);
        aliceToBob.decrypt(new SignalMessage(bobToAlice.encrypt(Anchors.PAYLOAD).serialize()));
        // One more from Alice: her new chain is now known to Bob, so the one-way figure has no DH step in it.
        bobToAlice.decrypt(new SignalMessage(aliceToBob.encrypt(Anchors.PAYLOAD).serialize()));
        aliceSnapshot = aliceStore.loadSession(bobAddress);
        bobSnapshot = bobStore.loadSession(aliceAddress);
        sinceRewind = 0;
    }

    /** Alice to Bob; rewound every {@value Anchors#REWIND_EVERY} messages like Sotto's. */
    public byte[] oneWay() throws Exception {
        byte[] plaintext = bobToAlice.decrypt(new SignalMessage(aliceToBob.encrypt(Anchors.PAYLOAD).serialize()));
        if (++sinceRewind == Anchors.REWIND_EVERY) {
            sinceRewind = 0;
            aliceStore.storeSession(bobAddress, aliceSnapshot);
            bobStore.storeSession(aliceAddress, bobSnapshot);
        }
        return plaintext;
    }

    /** Alice to Bob, Bob to Alice: a DH ratchet step on each receipt. */
    public byte[] pingPong() throws Exception {
        bobToAlice.decrypt(new SignalMessage(aliceToBob.encrypt(Anchors.PAYLOAD).serialize()));
        return aliceToBob.decrypt(new SignalMessage(bobToAlice.encrypt(Anchors.PAYLOAD).serialize()));
    }

    /**
     * Offline session setup: Alice processes Bob's bundle (signature check, X3DH) and encrypts; Bob decrypts the
     * PreKeySignalMessage (which deletes the one-time prekey). Then the prekey is put back and both sessions deleted,
     * so that every setup starts from the same state (a session record would otherwise grow with archived states).
     */
    public byte[] offline() throws Exception {
        byte[] plaintext = offlineWithoutReset();
        bobStore.storePreKey(PRE_KEY_ID, preKey);
        aliceStore.deleteSession(bobOffline);
        bobStore.deleteSession(aliceOffline);
        return plaintext;
    }

    private byte[] offlineWithoutReset() throws Exception {
        new SessionBuilder(aliceStore, bobOffline).process(bundle);
        CiphertextMessage first = aliceToBobOffline.encrypt(Anchors.PAYLOAD);
        return bobToAliceOffline.decrypt(new PreKeySignalMessage(first.serialize()));
    }

    /** Bytes of one message after the session is established (for the wire-size table). */
    public byte[] establishedMessage() throws Exception {
        return encryptToBob(Anchors.PAYLOAD).serialize();
    }

    /** Alice encrypts {@code plaintext} to Bob on the established session. */
    public SignalMessage encryptToBob(byte[] plaintext) throws Exception {
        return new SignalMessage(aliceToBob.encrypt(plaintext).serialize());
    }

    /** Bytes of a first message (PreKeySignalMessage), for the wire-size table. */
    public byte[] firstMessage() throws Exception {
        new SessionBuilder(aliceStore, bobOffline).process(bundle);
        byte[] first = aliceToBobOffline.encrypt(Anchors.PAYLOAD).serialize();
        aliceStore.deleteSession(bobOffline);
        return first;
    }
}
