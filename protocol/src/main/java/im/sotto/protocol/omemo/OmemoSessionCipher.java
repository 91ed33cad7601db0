package im.sotto.protocol.omemo;

import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.internal.DoubleRatchet;
import im.sotto.protocol.omemo.internal.PreKeySignalMessage;
import im.sotto.protocol.omemo.internal.SessionRecord;
import im.sotto.protocol.omemo.internal.SessionState;
import im.sotto.protocol.omemo.internal.SignalMessage;
import im.sotto.protocol.omemo.internal.X3dh;
import im.sotto.protocol.store.SessionAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * OMEMO 0.3 sessions with peer devices (Signal protocol version 3): build one from a bundle, encrypt key material
 * for a device, decrypt what a device sent. Every operation loads the record, works on that copy, and stores it only
 * when everything succeeded, so a refused message, a duplicate or malformed bytes change nothing. Not thread-safe:
 * the caller runs one operation at a time per store (as the binding does for Sotto's own sessions).
 */
public final class OmemoSessionCipher {
    private final OmemoPreKeys localKeys;
    private final OmemoSessionStore sessions;
    private final OmemoTrust trust;
    private final SecureRandom random;

    public OmemoSessionCipher(OmemoPreKeys localKeys, OmemoSessionStore sessions, OmemoTrust trust,
            SecureRandom random) {
        this.localKeys = localKeys;
        this.sessions = sessions;
        this.trust = trust;
        this.random = random;
    }

    /** A check on decrypted key material before anything is stored; returns a failure to refuse it. */
    @FunctionalInterface
    interface KeyMaterialCheck {
        Optional<OmemoFailure> check(byte[] keyMaterial);
    }

    /**
     * Starts a session with a device from its bundle (verifying the signed prekey's signature and asking the trust
     * policy), using one of its one-time prekeys chosen at random. The session replaces any current one, which is
     * kept as an earlier state. Messages sent on it are prekey messages until the device answers.
     */
    public void buildSession(SessionAddress peer, OmemoBundle bundle) throws OmemoException {
        if (!bundle.signatureValid()) {
            throw new OmemoException(OmemoFailure.INVALID_BUNDLE, "signed prekey signature does not verify");
        }
        if (!trust.trusts(peer, bundle.identityKey())) {
            throw new OmemoException(OmemoFailure.UNTRUSTED_IDENTITY, "identity key refused");
        }
        List<OmemoBundle.PreKey> preKeys = bundle.preKeys();
        OmemoBundle.PreKey oneTime = preKeys.isEmpty() ? null : preKeys.get(random.nextInt(preKeys.size()));
        SessionState state = X3dh.initiate(new X3dh.Initiation(localKeys.identityKeyPair(), localKeys.deviceId(),
                bundle.identityKey().publicKey(), bundle.deviceId(), bundle.signedPreKeyId(), bundle.signedPreKey(),
                oneTime == null ? OptionalInt.empty() : OptionalInt.of(oneTime.id()),
                oneTime == null ? null : oneTime.publicKey()), random);
        sessions.store(peer, SessionRecord.encode(withCurrent(state, loadStates(peer))));
    }

    public boolean hasSession(SessionAddress peer) {
        return sessions.load(peer).isPresent();
    }

    /** The identity key of the device at the other end of the current session, if any. */
    public Optional<OmemoIdentityKey> peerIdentity(SessionAddress peer) {
        List<SessionState> states = loadStates(peer);
        if (states.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(identity(states.get(0).remoteIdentity()));
    }

    /** Encrypts key material for one device with its current session (a prekey message until it answered). */
    public EncryptedKey encrypt(SessionAddress peer, byte[] keyMaterial) throws OmemoException {
        List<SessionState> states = loadStates(peer);
        if (states.isEmpty()) {
            throw new OmemoException(OmemoFailure.NO_SESSION, "no OMEMO session with device " + peer.deviceId());
        }
        DoubleRatchet.Sealed sealed = DoubleRatchet.encrypt(states.get(0), keyMaterial);
        sessions.store(peer, SessionRecord.encode(states));
        return new EncryptedKey((int) peer.deviceId(), sealed.preKeyMessage(), sealed.serialized());
    }

    /** Decrypts a key element sent by {@code sender}; stores the advanced session only on success. */
    public KeyDecryption decrypt(SessionAddress sender, EncryptedKey key) {
        return decrypt(sender, key, material -> Optional.empty());
    }

    KeyDecryption decrypt(SessionAddress sender, EncryptedKey key, KeyMaterialCheck check) {
        try {
            return key.preKey() ? decryptPreKey(sender, key.data(), check)
                    : decryptNormal(sender, SignalMessage.parse(key.data()), check);
        } catch (OmemoException e) {
            return new KeyDecryption.Failed(e.reason());
        }
    }

    private KeyDecryption decryptPreKey(SessionAddress sender, byte[] data, KeyMaterialCheck check)
            throws OmemoException {
        PreKeySignalMessage message = PreKeySignalMessage.parse(data);
        List<SessionState> existing = loadStates(sender);
        for (SessionState s : existing) {
            if (Arrays.equals(s.aliceBaseKey(), message.baseKey())) {
                // A later message of a session this prekey message already started (the peer repeats the prekey
                // form until we answer): no new session.
                return decryptNormal(sender, message.message(), check);
            }
        }
        OmemoIdentityKey senderIdentity = OmemoIdentityKey.of(message.identityKey());
        if (!trust.trusts(sender, senderIdentity)) {
            throw new OmemoException(OmemoFailure.UNTRUSTED_IDENTITY, "identity key refused");
        }
        X25519KeyPair signed = localKeys.signedPreKey(message.signedPreKeyId()).orElseThrow(() ->
                new OmemoException(OmemoFailure.UNKNOWN_SIGNED_PREKEY, "signed prekey " + message.signedPreKeyId()));
        X25519KeyPair oneTime = null;
        if (message.preKeyId().isPresent()) {
            int id = message.preKeyId().getAsInt();
            oneTime = localKeys.oneTimePreKey(id).orElseThrow(() ->
                    new OmemoException(OmemoFailure.UNKNOWN_ONE_TIME_PREKEY, "one-time prekey " + id));
        }
        SessionState state = X3dh.respond(new X3dh.Response(localKeys.identityKeyPair(), localKeys.deviceId(),
                signed, oneTime, message.identityKey(), message.registrationId(), message.baseKey()));
        byte[] material = DoubleRatchet.decrypt(state, message.message(), random);
        refuseIfCheckFails(check, material);
        sessions.store(sender, SessionRecord.encode(withCurrent(state, existing)));
        if (oneTime != null) {
            localKeys.consumeOneTimePreKey(message.preKeyId().getAsInt());
        }
        return new KeyDecryption.Decrypted(material, senderIdentity, true, message.preKeyId());
    }

    /** Tries the current state, then earlier ones; the one that decrypts becomes current. */
    private KeyDecryption decryptNormal(SessionAddress sender, SignalMessage message, KeyMaterialCheck check)
            throws OmemoException {
        Optional<byte[]> record = sessions.load(sender);
        if (record.isEmpty()) {
            throw new OmemoException(OmemoFailure.NO_SESSION, "no OMEMO session with device " + sender.deviceId());
        }
        OmemoFailure reported = null;
        int count = SessionRecord.decode(record.get()).size();
        for (int i = 0; i < count; i++) {
            List<SessionState> states = SessionRecord.decode(record.get());
            SessionState state = states.get(i);
            byte[] material;
            try {
                material = DoubleRatchet.decrypt(state, message, random);
            } catch (OmemoException e) {
                reported = moreTelling(reported, e.reason());
                continue;
            }
            refuseIfCheckFails(check, material);
            states.remove(i);
            states.add(0, state);
            sessions.store(sender, SessionRecord.encode(states));
            return new KeyDecryption.Decrypted(material, identity(state.remoteIdentity()), false,
                    OptionalInt.empty());
        }
        throw new OmemoException(reported, "no session state decrypts the message");
    }

    /** A duplicate or an over-long gap says more than "no state's MAC verified". */
    private static OmemoFailure moreTelling(OmemoFailure sofar, OmemoFailure next) {
        if (sofar == null || sofar == OmemoFailure.BAD_MAC || sofar == OmemoFailure.INVALID_PUBLIC_KEY) {
            return next;
        }
        return sofar;
    }

    private static void refuseIfCheckFails(KeyMaterialCheck check, byte[] material) throws OmemoException {
        Optional<OmemoFailure> failure = check.check(material);
        if (failure.isPresent()) {
            throw new OmemoException(failure.get(), "key material refused");
        }
    }

    private List<SessionState> loadStates(SessionAddress peer) {
        return sessions.load(peer).map(SessionRecord::decode).orElseGet(ArrayList::new);
    }

    private static List<SessionState> withCurrent(SessionState current, List<SessionState> earlier) {
        List<SessionState> states = new ArrayList<>();
        states.add(current);
        for (SessionState s : earlier) {
            if (states.size() > OmemoLimits.MAX_ARCHIVED_STATES) {
                break;
            }
            states.add(s);
        }
        return states;
    }

    private static OmemoIdentityKey identity(byte[] publicKey) {
        try {
            return OmemoIdentityKey.of(publicKey);
        } catch (OmemoException impossible) {
            throw new IllegalStateException("stored identity key", impossible);
        }
    }
}
