package im.sotto.bench.sidebyside;

import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * Alice and Bob on libsignal-client (Rust core behind JNI), each with the library's in-memory store (sessions kept
 * serialized, parsed on every load). Every session setup is PQXDH: libsignal-client requires a Kyber-1024 prekey in
 * every bundle. No header encryption (the library has none).
 */
public final class LibsignalParties {
    private static final int PRE_KEY_ID = 7;
    private static final int SIGNED_PRE_KEY_ID = 1;
    private static final int KYBER_PRE_KEY_ID = 3;

    final SignalProtocolAddress aliceAddress = new SignalProtocolAddress("alice@example.org", 1);
    final SignalProtocolAddress bobAddress = new SignalProtocolAddress("bob@example.org", 2);
    final InMemorySignalProtocolStore aliceStore;
    final InMemorySignalProtocolStore bobStore;
    private final PreKeyRecord preKey;
    private final KyberPreKeyRecord kyberPreKey;
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

    public LibsignalParties() throws Exception {
        IdentityKeyPair aliceIdentity = IdentityKeyPair.generate();
        IdentityKeyPair bobIdentity = IdentityKeyPair.generate();
        aliceStore = new InMemorySignalProtocolStore(aliceIdentity, 1001);
        bobStore = new InMemorySignalProtocolStore(bobIdentity, 2002);
        long now = System.currentTimeMillis();
        preKey = new PreKeyRecord(PRE_KEY_ID, ECKeyPair.generate());
        ECKeyPair signedPair = ECKeyPair.generate();
        byte[] signedSignature = bobIdentity.getPrivateKey().calculateSignature(
                signedPair.getPublicKey().serialize());
        SignedPreKeyRecord signed = new SignedPreKeyRecord(SIGNED_PRE_KEY_ID, now, signedPair, signedSignature);
        KEMKeyPair kyberPair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] kyberSignature = bobIdentity.getPrivateKey().calculateSignature(kyberPair.getPublicKey().serialize());
        kyberPreKey = new KyberPreKeyRecord(KYBER_PRE_KEY_ID, now, kyberPair, kyberSignature);
        bobStore.storePreKey(PRE_KEY_ID, preKey);
        bobStore.storeSignedPreKey(SIGNED_PRE_KEY_ID, signed);
        bobStore.storeKyberPreKey(KYBER_PRE_KEY_ID, kyberPreKey);
        bundle = new PreKeyBundle(bobStore.getLocalRegistrationId(), bobAddress.getDeviceId(), PRE_KEY_ID,
                preKey.getKeyPair().getPublicKey(), SIGNED_PRE_KEY_ID, signedPair.getPublicKey(), signedSignature,
                bobIdentity.getPublicKey(), KYBER_PRE_KEY_ID, kyberPair.getPublicKey(), kyberSignature);
        aliceToBob = new SessionCipher(aliceStore, bobAddress);
        bobToAlice = new SessionCipher(bobStore, aliceAddress);
        aliceToBobOffline = new SessionCipher(aliceStore, bobOffline);
        bobToAliceOffline = new SessionCipher(bobStore, aliceOffline);
    }

    /** A session from Bob's bundle, one message each way and one more from Alice, then both records saved. */
    public void establish() throws Exception {
        new SessionBuilder(aliceStore, bobAddress).process(bundle);
        bobToAlice.decrypt(new PreKeySignalMessage(aliceToBob.encrypt(Anchors.PAYLOAD).serialize()));
        resetPreKeys();
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
     * Offline session setup (PQXDH): Alice processes Bob's bundle and encrypts; Bob decrypts the PreKeySignalMessage.
     * Then the prekeys are put back and both sessions deleted, so every setup starts from the same state.
     */
    public byte[] offline() throws Exception {
        byte[] plaintext = offlineWithoutReset();
        resetPreKeys();
        aliceStore.deleteSession(bobOffline);
        bobStore.deleteSession(aliceOffline);
        return plaintext;
    }

    private void resetPreKeys() {
        bobStore.storePreKey(PRE_KEY_ID, preKey);
        bobStore.storeKyberPreKey(KYBER_PRE_KEY_ID, kyberPreKey);
    }

    private byte[] offlineWithoutReset() throws Exception {
        new SessionBuilder(aliceStore, bobOffline).process(bundle);
        CiphertextMessage first = aliceToBobOffline.encrypt(Anchors.PAYLOAD);
        return bobToAliceOffline.decrypt(new PreKeySignalMessage(first.serialize()));
    }

    /** Bytes of one message after the session is established (for the wire-size table). */
    public byte[] establishedMessage() throws Exception {
        return aliceToBob.encrypt(Anchors.PAYLOAD).serialize();
    }

    /** Bytes of a first message (PreKeySignalMessage), for the wire-size table. */
    public byte[] firstMessage() throws Exception {
        new SessionBuilder(aliceStore, bobOffline).process(bundle);
        byte[] first = aliceToBobOffline.encrypt(Anchors.PAYLOAD).serialize();
        aliceStore.deleteSession(bobOffline);
        return first;
    }
}
