package im.sotto.interop;

import im.sotto.protocol.omemo.OmemoBundle;
import java.util.List;
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
 * An OMEMO 0.3 device run by signal-protocol-java 2.8.1 (the library under Conversations' and Smack's OMEMO), used
 * as it is by those clients: its in-memory store, its session builder and cipher, and bundles in its own types.
 */
final class SignalPeer {
    static final int SIGNED_PREKEY_ID = 7;
    static final int FIRST_PREKEY_ID = 1;
    static final int PREKEYS = 5;

    final int deviceId;
    final IdentityKeyPair identity;
    final InMemorySignalProtocolStore store;
    final SignedPreKeyRecord signedPreKey;
    final List<PreKeyRecord> preKeys;

    SignalPeer() throws Exception {
        identity = KeyHelper.generateIdentityKeyPair();
        deviceId = KeyHelper.generateRegistrationId(true);
        store = new InMemorySignalProtocolStore(identity, deviceId);
        signedPreKey = KeyHelper.generateSignedPreKey(identity, SIGNED_PREKEY_ID);
        store.storeSignedPreKey(SIGNED_PREKEY_ID, signedPreKey);
        preKeys = KeyHelper.generatePreKeys(FIRST_PREKEY_ID, PREKEYS);
        for (PreKeyRecord p : preKeys) {
            store.storePreKey(p.getId(), p);
        }
    }

    /** This device's bundle as Sotto reads a published one: the 33-byte keys, the signature, the ids. */
    OmemoBundle bundleForSotto() throws Exception {
        List<OmemoBundle.PublishedPreKey> published = preKeys.stream()
                .map(p -> new OmemoBundle.PublishedPreKey(p.getId(), p.getKeyPair().getPublicKey().serialize()))
                .toList();
        return OmemoBundle.fromPublished(deviceId, identity.getPublicKey().serialize(), SIGNED_PREKEY_ID,
                signedPreKey.getKeyPair().getPublicKey().serialize(), signedPreKey.getSignature(), published);
    }

    /** Starts a session from Sotto's bundle (this is where signal-protocol-java checks the XEdDSA signature). */
    void buildSessionFrom(SignalProtocolAddress sotto, OmemoBundle bundle) throws Exception {
        OmemoBundle.PreKey preKey = bundle.preKeys().get(0);
        PreKeyBundle signalBundle = new PreKeyBundle(bundle.deviceId(), bundle.deviceId(), preKey.id(),
                Curve.decodePoint(preKey.serialized(), 0), bundle.signedPreKeyId(),
                Curve.decodePoint(bundle.signedPreKeySerialized(), 0), bundle.signedPreKeySignature(),
                new org.whispersystems.libsignal.IdentityKey(bundle.identityKey().serialized(), 0));
        new SessionBuilder(store, sotto).process(signalBundle);
    }

    CiphertextMessage encrypt(SignalProtocolAddress to, byte[] plaintext) throws Exception {
        return new SessionCipher(store, to).encrypt(plaintext);
    }

    byte[] decrypt(SignalProtocolAddress from, byte[] data, boolean preKey) throws Exception {
        SessionCipher cipher = new SessionCipher(store, from);
        return preKey ? cipher.decrypt(new PreKeySignalMessage(data)) : cipher.decrypt(new SignalMessage(data));
    }
}
