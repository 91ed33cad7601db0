package im.sotto.protocol.omemo2;

import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.omemo.OmemoSessionStore;
import im.sotto.protocol.omemo2.internal.TwomemoMessage;
import im.sotto.protocol.omemo2.internal.TwomemoRatchet;
import im.sotto.protocol.omemo2.internal.TwomemoRecord;
import im.sotto.protocol.omemo2.internal.TwomemoState;
import im.sotto.protocol.omemo2.internal.TwomemoX3dh;
import im.sotto.protocol.store.SessionAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * OMEMO 2 sessions with peer devices: build one from a bundle, encrypt key material for a device, decrypt a message
 * (its key element, then its payload). Every operation loads the record, works on that copy and stores it only when
 * everything succeeded, the payload's tag included, so a refused message, a duplicate or malformed bytes change
 * nothing. The session store must be OMEMO 2's own: OMEMO 0.3 and OMEMO 2 devices of one client usually share a
 * device id. Not thread-safe: one operation at a time per store.
 */
public final class Omemo2SessionCipher {
    private final Omemo2LocalKeys localKeys;
    private final OmemoSessionStore sessions;
    private final Omemo2Trust trust;
    private final SecureRandom random;

    public Omemo2SessionCipher(Omemo2LocalKeys localKeys, OmemoSessionStore sessions, Omemo2Trust trust,
            SecureRandom random) {
        this.localKeys = localKeys;
        this.sessions = sessions;
        this.trust = trust;
        this.random = random;
    }

    /**
     * Starts a session with a device from its bundle (signature checked, trust asked), with one of its one-time
     * prekeys chosen at random. It replaces any current session, kept as an earlier state. Key elements sent on it
     * are key exchanges ({@code kex='true'}) until the device answers.
     */
    public void buildSession(SessionAddress peer, Omemo2Bundle bundle) throws OmemoException {
        if (!bundle.signatureValid()) {
            throw new OmemoException(OmemoFailure.INVALID_BUNDLE, "signed prekey signature does not verify");
        }
        if (!trust.trusts(peer, bundle.identityKey())) {
            throw new OmemoException(OmemoFailure.UNTRUSTED_IDENTITY, "identity key refused");
        }
        List<Omemo2Bundle.PreKey> preKeys = bundle.preKeys();
        Omemo2Bundle.PreKey oneTime = preKeys.get(random.nextInt(preKeys.size()));
        TwomemoState state = TwomemoX3dh.initiate(new TwomemoX3dh.Initiation(localKeys.identityKeyPair(),
                bundle.identityKey().publicKey(), bundle.signedPreKeyId(), bundle.signedPreKey(), oneTime.id(),
                oneTime.publicKey()), random);
        sessions.store(peer, TwomemoRecord.encode(withCurrent(state, loadStates(peer))));
    }

    public boolean hasSession(SessionAddress peer) {
        return sessions.load(peer).isPresent();
    }

    /** The identity key of the device at the other end of the current session, if any. */
    public Optional<Omemo2IdentityKey> peerIdentity(SessionAddress peer) {
        List<TwomemoState> states = loadStates(peer);
        return states.isEmpty() ? Optional.empty()
                : Optional.of(Omemo2IdentityKey.trusted(states.get(0).remoteIdentity()));
    }

    /** Encrypts key material for one device with its current session (a key exchange until it answered). */
    public EncryptedKey encrypt(SessionAddress peer, byte[] keyMaterial) throws OmemoException {
        List<TwomemoState> states = loadStates(peer);
        if (states.isEmpty()) {
            throw new OmemoException(OmemoFailure.NO_SESSION, "no OMEMO 2 session with device " + peer.deviceId());
        }
        TwomemoRatchet.Sealed sealed = TwomemoRatchet.encrypt(states.get(0), keyMaterial);
        sessions.store(peer, TwomemoRecord.encode(states));
        return new EncryptedKey((int) peer.deviceId(), sealed.keyExchange(), sealed.serialized());
    }

    /**
     * Decrypts what {@code sender} sent this device: the key element, then the payload when there is one (absent: an
     * empty OMEMO message, whose key material must be 32 zero bytes). Stores the advanced session, and uses up the
     * one-time prekey a key exchange named, only when both succeeded.
     */
    public Omemo2Decryption decrypt(SessionAddress sender, EncryptedKey key, Optional<byte[]> payload) {
        try {
            return key.preKey() ? decryptKeyExchange(sender, TwomemoMessage.KeyExchange.parse(key.data()), payload)
                    : decryptNormal(sender, TwomemoMessage.Authenticated.parse(key.data()), payload, false,
                            OptionalInt.empty());
        } catch (OmemoException e) {
            return new Omemo2Decryption.Failed(e.reason());
        }
    }

    private Omemo2Decryption decryptKeyExchange(SessionAddress sender, TwomemoMessage.KeyExchange kex,
            Optional<byte[]> payload) throws OmemoException {
        List<TwomemoState> existing = loadStates(sender);
        for (TwomemoState s : existing) {
            if (Arrays.equals(s.baseKey(), kex.baseKey())) {
                // A later message of a session this key exchange already started (repeated until we answer).
                return decryptNormal(sender, kex.message(), payload, false, OptionalInt.empty());
            }
        }
        Omemo2IdentityKey senderIdentity = Omemo2IdentityKey.of(kex.identityKey());
        if (!trust.trusts(sender, senderIdentity)) {
            throw new OmemoException(OmemoFailure.UNTRUSTED_IDENTITY, "identity key refused");
        }
        X25519KeyPair signed = localKeys.signedPreKey(kex.signedPreKeyId()).orElseThrow(() ->
                new OmemoException(OmemoFailure.UNKNOWN_SIGNED_PREKEY, "signed prekey " + kex.signedPreKeyId()));
        X25519KeyPair oneTime = localKeys.oneTimePreKey(kex.preKeyId()).orElseThrow(() ->
                new OmemoException(OmemoFailure.UNKNOWN_ONE_TIME_PREKEY, "one-time prekey " + kex.preKeyId()));
        TwomemoState state = TwomemoX3dh.respond(new TwomemoX3dh.Response(localKeys.identityKeyPair(), signed,
                oneTime, kex.identityKey(), kex.baseKey()));
        byte[] material = TwomemoRatchet.decrypt(state, kex.message(), random);
        Omemo2Decryption result = open(material, payload, senderIdentity, true, OptionalInt.of(kex.preKeyId()));
        sessions.store(sender, TwomemoRecord.encode(withCurrent(state, existing)));
        localKeys.consumeOneTimePreKey(kex.preKeyId());
        return result;
    }

    /** Tries the current state, then earlier ones; the one that decrypts becomes current. */
    private Omemo2Decryption decryptNormal(SessionAddress sender, TwomemoMessage.Authenticated message,
            Optional<byte[]> payload, boolean created, OptionalInt consumed) throws OmemoException {
        Optional<byte[]> record = sessions.load(sender);
        if (record.isEmpty()) {
            throw new OmemoException(OmemoFailure.NO_SESSION, "no OMEMO 2 session with device " + sender.deviceId());
        }
        OmemoFailure reported = null;
        int count = TwomemoRecord.decode(record.get()).size();
        for (int i = 0; i < count; i++) {
            List<TwomemoState> states = TwomemoRecord.decode(record.get());
            TwomemoState state = states.get(i);
            byte[] material;
            try {
                material = TwomemoRatchet.decrypt(state, message, random);
            } catch (OmemoException e) {
                reported = moreTelling(reported, e.reason());
                continue;
            }
            Omemo2Decryption result = open(material, payload, Omemo2IdentityKey.trusted(state.remoteIdentity()),
                    created, consumed);
            states.remove(i);
            states.add(0, state);
            sessions.store(sender, TwomemoRecord.encode(states));
            return result;
        }
        throw new OmemoException(reported, "no session state decrypts the message");
    }

    private static Omemo2Decryption open(byte[] material, Optional<byte[]> payload, Omemo2IdentityKey sender,
            boolean created, OptionalInt consumed) throws OmemoException {
        try {
            if (payload.isEmpty()) {
                if (material.length != Omemo2Payload.KEY_LENGTH || !ConstantTime.isAllZero(material)) {
                    throw new OmemoException(OmemoFailure.BAD_KEY_MATERIAL, "empty message without zero key");
                }
                return new Omemo2Decryption.Empty(sender, created, consumed);
            }
            return new Omemo2Decryption.Message(Omemo2Payload.decrypt(payload.get(), material), sender, created,
                    consumed);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** A duplicate or an over-long gap says more than "no state's MAC verified". */
    private static OmemoFailure moreTelling(OmemoFailure sofar, OmemoFailure next) {
        if (sofar == null || sofar == OmemoFailure.BAD_MAC || sofar == OmemoFailure.INVALID_PUBLIC_KEY) {
            return next;
        }
        return sofar;
    }

    private List<TwomemoState> loadStates(SessionAddress peer) {
        return sessions.load(peer).map(TwomemoRecord::decode).orElseGet(ArrayList::new);
    }

    private static List<TwomemoState> withCurrent(TwomemoState current, List<TwomemoState> earlier) {
        List<TwomemoState> states = new ArrayList<>();
        states.add(current);
        for (TwomemoState s : earlier) {
            if (states.size() > OmemoLimits.MAX_ARCHIVED_STATES) {
                break;
            }
            states.add(s);
        }
        return states;
    }
}
