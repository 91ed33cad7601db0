package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.RatchetInit;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.ArchiveCursor;
import im.sotto.protocol.store.IdentityStore;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.MessageLog;
import im.sotto.protocol.store.OutboundQueue;
import im.sotto.protocol.store.PreKeyStore;
import im.sotto.protocol.store.ReplayCache;
import im.sotto.protocol.store.RestoreCounter;
import im.sotto.protocol.store.RetainedSecretStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.SessionStore;
import im.sotto.protocol.store.StoreWork;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/**
 * Receiving through the core's {@link SessionCipher}, without XMPP, through a store that counts: one transaction per
 * message, each device's record loaded (and decoded) once, one write for the state that opened it, none otherwise.
 */
class SessionCipherTest {
    private static final CipherSuite SUITE = CipherSuite.X25519_AESGCM_SHA256;
    private static final byte[] AD = "associated data".getBytes(StandardCharsets.US_ASCII);
    private static final BareJid BOB = BareJid.parse("bob@example.org");

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final DeviceIdentity alice = DeviceIdentity.create(AccountIdentity.generate(random), Set.of(1),
            Set.of(SUITE.wireId()), random, clock);
    private final CountingStore store = new CountingStore(new InMemoryAccountStore());
    private final SessionCipher cipher = new SessionCipher(alice, random, clock);

    /** Bob's side (the initiator, who sends first) and alice's record of the same session. */
    private record Pair(RatchetSession bob, SessionRecord alice) {
    }

    private Pair pair() throws Exception {
        SecretBytes root = random32();
        SecretBytes headerA = random32();
        SecretBytes headerB = random32();
        X25519KeyPair aliceKey = X25519KeyPair.generate(random);
        RatchetSession bob = RatchetSession.initiator(SUITE, root, aliceKey.publicKey(), headerA, headerB, random,
                clock);
        RatchetSession alicesSide = RatchetSession.start(RatchetInit.forResponder(SUITE, root, aliceKey, headerB,
                headerA), random, clock);
        return new Pair(bob, SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, alicesSide.toRecord()).build());
    }

    private SecretBytes random32() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SecretBytes.copyOf(b);
    }

    private void put(long device, SessionRecord record) {
        store.inner.transact(s -> {
            s.sessions().store(new SessionAddress(BOB.toString(), device), record.encode());
            return null;
        });
    }

    private SessionCipher.Opening open(byte[] message) {
        store.reset();
        return cipher.openRatchet(store, BOB, message, AD, (stores, opened) -> opened, notOpened -> notOpened);
    }

    @Test
    void aMessageToOneOfTwoDevicesIsOneTransactionAndOneDecodeEach() throws Exception {
        Pair one = pair();
        Pair two = pair();
        put(11, one.alice());
        put(22, two.alice());
        byte[] message = two.bob().encrypt("to device 22".getBytes(StandardCharsets.UTF_8), AD);

        SessionCipher.Opened opened = (SessionCipher.Opened) open(message);
        assertEquals(22, opened.address().deviceId());
        assertTrue(opened.current(), "opened by device 22's current session");
        assertArrayEquals("to device 22".getBytes(StandardCharsets.UTF_8), opened.decrypted().plaintext());
        assertEquals(1, store.transactions, "one transaction");
        assertTrue(store.loads.values().stream().allMatch(n -> n == 1), "each record loaded once: " + store.loads);
        assertEquals(1, store.writes, "the state that opened it is stored, nothing else");

        SessionCipher.NotOpened again = (SessionCipher.NotOpened) open(message);
        assertEquals(SessionAttempt.Failure.DUPLICATE, again.failure());
        assertEquals(0, store.writes, "a replay changes nothing");
    }

    /**
     * A straggler: bob sent under a session alice has since replaced (kept as previous). It opens under the previous
     * session, in one transaction, and device 11's record is decoded once although both its current and its
     * previous session are tried (before the session layer moved, the binding decoded it twice).
     */
    @Test
    void aStragglerUnderAReplacedSessionOpensWithOneDecodePerRecord() throws Exception {
        Pair old = pair();
        byte[] straggler = old.bob().encrypt("sent before the replacement".getBytes(StandardCharsets.UTF_8), AD);
        Pair current = pair();
        put(11, current.alice().replacing(Optional.of(old.alice().encode()), clock.instant()));
        put(22, pair().alice());

        SessionCipher.Opened opened = (SessionCipher.Opened) open(straggler);
        assertEquals(11, opened.address().deviceId());
        assertFalse(opened.current(), "a straggler proves nothing about the session that replaced its own");
        assertArrayEquals("sent before the replacement".getBytes(StandardCharsets.UTF_8),
                opened.decrypted().plaintext());
        assertEquals(1, store.transactions);
        assertEquals(Map.of(11L, 1, 22L, 1), store.loads, "each record loaded and decoded once");
        assertEquals(1, store.writes);
        assertTrue(opened.decrypted().losses().stream().noneMatch(l -> l instanceof Loss.NotAcknowledged),
                "a replaced session reports no unacknowledged messages of ours");
    }

    @Test
    void whatNoStateOpensChangesNothing() throws Exception {
        byte[] forgery = pair().bob().encrypt(new byte[] {1}, AD);
        assertEquals(SessionAttempt.Failure.NO_SESSION, ((SessionCipher.NotOpened) open(forgery)).failure());
        put(11, pair().alice());
        SessionCipher.NotOpened none = (SessionCipher.NotOpened) open(forgery);
        assertEquals(SessionAttempt.Failure.BROKEN_SESSION, none.failure(), none.detail());
        assertEquals(List.of(1), List.copyOf(store.loads.values()));
        assertEquals(0, store.writes);
        assertEquals(1, store.transactions);
    }

    /** Counts transactions, session loads per device and session writes of the store it wraps. */
    private static final class CountingStore implements AccountStore {
        final AccountStore inner;
        int transactions;
        int writes;
        final Map<Long, Integer> loads = new HashMap<>();

        CountingStore(AccountStore inner) {
            this.inner = inner;
        }

        void reset() {
            transactions = 0;
            writes = 0;
            loads.clear();
        }

        @Override
        public <T, E extends Exception> T transact(StoreWork<T, E> work) throws E {
            transactions++;
            return inner.transact(stores -> work.run(counting(stores)));
        }

        @Override
        public void close() {
            inner.close();
        }

        private Stores counting(Stores s) {
            SessionStore sessions = s.sessions();
            SessionStore counted = new SessionStore() {
                @Override
                public Optional<byte[]> load(SessionAddress address) {
                    loads.merge(address.deviceId(), 1, Integer::sum);
                    return sessions.load(address);
                }

                @Override
                public void store(SessionAddress address, byte[] record) {
                    writes++;
                    sessions.store(address, record);
                }

                @Override
                public boolean delete(SessionAddress address) {
                    return sessions.delete(address);
                }

                @Override
                public List<SessionAddress> devices(String peerAccount) {
                    return sessions.devices(peerAccount);
                }

                @Override
                public List<SessionAddress> addresses() {
                    return sessions.addresses();
                }
            };
            return new Stores() {
                @Override
                public IdentityStore identities() {
                    return s.identities();
                }

                @Override
                public SessionStore sessions() {
                    return counted;
                }

                @Override
                public PreKeyStore preKeys() {
                    return s.preKeys();
                }

                @Override
                public ReplayCache replayCache() {
                    return s.replayCache();
                }

                @Override
                public RetainedSecretStore retainedSecrets() {
                    return s.retainedSecrets();
                }

                @Override
                public OutboundQueue outboundQueue() {
                    return s.outboundQueue();
                }

                @Override
                public MessageLog messageLog() {
                    return s.messageLog();
                }

                @Override
                public RestoreCounter restoreCounter() {
                    return s.restoreCounter();
                }

                @Override
                public ArchiveCursor archiveCursor() {
                    return s.archiveCursor();
                }

                @Override
                public im.sotto.protocol.store.ContactStore contacts() {
                    return s.contacts();
                }

                @Override
                public im.sotto.protocol.store.ConversationLog conversations() {
                    return s.conversations();
                }

                @Override
                public im.sotto.protocol.store.PeerDeviceStore peerDevices() {
                    return s.peerDevices();
                }

                @Override
                public im.sotto.protocol.omemo.OmemoStores omemo() {
                    return s.omemo();
                }

                @Override
                public im.sotto.protocol.omemo.OmemoStores omemo2() {
                    return s.omemo2();
                }
            };
        }
    }
}
