package im.sotto.bench.sidebyside;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoDecryption;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.omemo.OmemoMessageCipher;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoSessionCipher;
import im.sotto.protocol.omemo.OmemoTrust;
import im.sotto.protocol.store.SessionAddress;

/**
 * Alice and Bob on Sotto's own OMEMO 0.3 (issue #21), each with the in-memory OMEMO store, which keeps every session
 * serialized and decodes it on every use. A message is what an OMEMO 0.3 client sends: the body under AES-128-GCM with
 * a 12-byte IV, and the 32 bytes of key and tag through the Double Ratchet. Messages are handed over as objects: the
 * XML codec is the binding's and not part of this figure (nor of signal-protocol-java's, {@link SignalJavaOmemo}).
 */
public final class SottoOmemoParties {
    private final Party alice = new Party("alice@example.org");
    private final Party bob = new Party("bob@example.org");
    // The setup figure uses addresses of its own, so it never touches the established session.
    private final Party aliceOffline = new Party("alice-offline@example.org");
    private final Map<Integer, byte[]> bobOneTimeKeys = new HashMap<>();
    private final OmemoBundle bobBundle;

    private static final class Party {
        final InMemoryOmemoStore store = new InMemoryOmemoStore();
        final OmemoPreKeys keys;
        final OmemoSessionCipher sessions;
        final OmemoMessageCipher messages;
        final SessionAddress address;

        Party(String jid) {
            SecureRandom random = new SecureRandom();
            keys = OmemoPreKeys.open(store, store, random, Clock.systemUTC());
            sessions = new OmemoSessionCipher(keys, store, OmemoTrust.BLIND, random);
            messages = new OmemoMessageCipher(sessions, keys.deviceId(), random);
            address = new SessionAddress(jid, keys.deviceId());
        }
    }

    public SottoOmemoParties() {
        bobBundle = bob.keys.bundle();
        for (int id : bob.store.ids(OmemoPreKeyKind.ONE_TIME)) {
            bobOneTimeKeys.put(id, bob.store.load(OmemoPreKeyKind.ONE_TIME, id).orElseThrow());
        }
    }

    /**
     * A session from Bob's bundle: Alice's prekey message, Bob's answer, one more from Alice; afterwards Alice's
     * messages are normal ones and Bob's chain is known, so the one-way figure has no DH step in it.
     */
    public void establish() throws Exception {
        alice.sessions.buildSession(bob.address, bobBundle);
        read(bob, alice, alice.messages.encrypt(Anchors.PAYLOAD, List.of(bob.address)));
        restoreBobsOneTimeKeys();
        read(alice, bob, bob.messages.encrypt(Anchors.PAYLOAD, List.of(alice.address)));
        read(bob, alice, alice.messages.encrypt(Anchors.PAYLOAD, List.of(bob.address)));
    }

    /** Alice to Bob on the established session. */
    public byte[] oneWay() throws Exception {
        return read(bob, alice, alice.messages.encrypt(Anchors.PAYLOAD, List.of(bob.address)));
    }

    /** Alice's OMEMO 0.3 message to Bob on the established session (for the wire-size table). */
    public OmemoMessage encryptToBob(byte[] body) throws Exception {
        return alice.messages.encrypt(body, List.of(bob.address));
    }

    /** Alice to Bob, Bob to Alice: a DH ratchet step on each receipt. */
    public byte[] pingPong() throws Exception {
        read(bob, alice, alice.messages.encrypt(Anchors.PAYLOAD, List.of(bob.address)));
        return read(alice, bob, bob.messages.encrypt(Anchors.PAYLOAD, List.of(alice.address)));
    }

    /**
     * Offline session setup: Alice builds a session from Bob's bundle (signature check, X3DH) and encrypts; Bob
     * decrypts the prekey message (which spends the one-time prekey). Then the prekey is put back and both sessions
     * deleted, so that every setup starts from the same state.
     */
    public byte[] setup() throws Exception {
        aliceOffline.sessions.buildSession(bob.address, bobBundle);
        byte[] plaintext = read(bob, aliceOffline, aliceOffline.messages.encrypt(Anchors.PAYLOAD,
                List.of(bob.address)));
        restoreBobsOneTimeKeys();
        aliceOffline.store.delete(bob.address);
        bob.store.delete(aliceOffline.address);
        return plaintext;
    }

    private void restoreBobsOneTimeKeys() {
        bobOneTimeKeys.forEach((id, record) -> bob.store.store(OmemoPreKeyKind.ONE_TIME, id, record));
    }

    private static byte[] read(Party to, Party from, OmemoMessage message) {
        OmemoDecryption result = to.messages.decrypt(from.address, message);
        if (result instanceof OmemoDecryption.Message m) {
            return m.plaintext();
        }
        throw new IllegalStateException("OMEMO message not read: " + result);
    }
}
