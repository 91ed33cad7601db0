package im.sotto.protocol.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.omemo.OmemoDecryption;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.omemo.OmemoMessageCipher;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoSessionCipher;
import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.omemo.OmemoTrust;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every store's OMEMO part ({@link Stores#omemo()}) must have: the in-memory store and the SQLite
 * store both pass it. The last test runs the OMEMO core on two stores across a reopen.
 */
public abstract class OmemoStoreContractTest {
    private static final SessionAddress BOB_1 = new SessionAddress("bob@example.org", 1);
    private static final SessionAddress BOB_2 = new SessionAddress("bob@example.org", 2);
    private static final SessionAddress CAROL_7 = new SessionAddress("carol@example.net", 7);

    protected AccountStore store;

    protected abstract AccountStore newStore(String name) throws Exception;

    /** The same store after closing and opening it again (durable stores return a new instance on the same data). */
    protected abstract AccountStore reopen(String name, AccountStore old) throws Exception;

    /** The OMEMO part under test: OMEMO 0.3's; the OMEMO 2 contract tests give {@link Stores#omemo2()}. */
    protected im.sotto.protocol.omemo.OmemoStores omemo(Stores s) {
        return s.omemo();
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore("alice");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void aNewStoreHoldsNoOmemoState() {
        store.transact(s -> {
            OmemoStores o = omemo(s);
            assertEquals(Optional.empty(), o.device().localDevice());
            assertEquals(List.of(), o.preKeys().ids(OmemoPreKeyKind.SIGNED));
            assertEquals(List.of(), o.preKeys().ids(OmemoPreKeyKind.ONE_TIME));
            assertEquals(List.of(), o.sessions().devices("bob@example.org"));
            assertEquals(List.of(), o.identities().trustedDevices("bob@example.org"));
            return null;
        });
    }

    @Test
    void everyRoleKeepsWhatWasStoredAcrossAReopen() throws Exception {
        store.transact(s -> {
            OmemoStores o = omemo(s);
            o.device().storeLocalDevice(bytes("device"));
            o.preKeys().store(OmemoPreKeyKind.SIGNED, 5, bytes("signed 5"));
            o.preKeys().store(OmemoPreKeyKind.ONE_TIME, 5, bytes("one-time 5"));
            o.preKeys().store(OmemoPreKeyKind.ONE_TIME, 3, bytes("one-time 3"));
            o.sessions().store(BOB_2, bytes("session bob 2"));
            o.sessions().store(BOB_1, bytes("session bob 1"));
            o.sessions().store(CAROL_7, bytes("session carol"));
            o.identities().storeTrustRecord(BOB_2, bytes("trust bob 2"));
            o.identities().storeTrustRecord(CAROL_7, bytes("trust carol"));
            return null;
        });
        store = reopen("alice", store);
        store.transact(s -> {
            OmemoStores o = omemo(s);
            assertArrayEquals(bytes("device"), o.device().localDevice().orElseThrow());
            assertArrayEquals(bytes("signed 5"), o.preKeys().load(OmemoPreKeyKind.SIGNED, 5).orElseThrow());
            assertArrayEquals(bytes("one-time 5"), o.preKeys().load(OmemoPreKeyKind.ONE_TIME, 5).orElseThrow());
            assertEquals(List.of(3, 5), o.preKeys().ids(OmemoPreKeyKind.ONE_TIME));
            assertEquals(List.of(5), o.preKeys().ids(OmemoPreKeyKind.SIGNED));
            assertEquals(List.of(BOB_1, BOB_2), o.sessions().devices("bob@example.org"));
            assertArrayEquals(bytes("session bob 1"), o.sessions().load(BOB_1).orElseThrow());
            assertEquals(List.of(BOB_2), o.identities().trustedDevices("bob@example.org"));
            assertEquals(List.of(BOB_2, CAROL_7), o.identities().allTrustedDevices());
            assertArrayEquals(bytes("trust carol"), o.identities().trustRecord(CAROL_7).orElseThrow());
            return null;
        });
    }

    @Test
    void replacingAndRemovingReportWhatWasThere() {
        store.transact(s -> {
            OmemoStores o = omemo(s);
            o.preKeys().store(OmemoPreKeyKind.ONE_TIME, 9, bytes("first"));
            o.preKeys().store(OmemoPreKeyKind.ONE_TIME, 9, bytes("second"));
            o.sessions().store(BOB_1, bytes("old"));
            o.sessions().store(BOB_1, bytes("new"));
            o.identities().storeTrustRecord(BOB_1, bytes("blind"));
            o.identities().storeTrustRecord(BOB_1, bytes("verified"));
            return null;
        });
        store.transact(s -> {
            OmemoStores o = omemo(s);
            assertArrayEquals(bytes("second"), o.preKeys().load(OmemoPreKeyKind.ONE_TIME, 9).orElseThrow());
            assertArrayEquals(bytes("new"), o.sessions().load(BOB_1).orElseThrow());
            assertArrayEquals(bytes("verified"), o.identities().trustRecord(BOB_1).orElseThrow());
            assertFalse(o.preKeys().remove(OmemoPreKeyKind.SIGNED, 9), "the kinds are separate name spaces");
            assertTrue(o.preKeys().remove(OmemoPreKeyKind.ONE_TIME, 9));
            assertFalse(o.preKeys().remove(OmemoPreKeyKind.ONE_TIME, 9));
            assertTrue(o.sessions().delete(BOB_1));
            assertFalse(o.sessions().delete(BOB_1));
            return null;
        });
    }

    /** OMEMO and Sotto device ids are separate name spaces: the same address in one store is absent in the other. */
    @Test
    void omemoSessionsAndSottoSessionsNeverMix() {
        store.transact(s -> {
            s.sessions().store(BOB_1, bytes("sotto session"));
            omemo(s).sessions().store(BOB_2, bytes("omemo session"));
            return null;
        });
        store.transact(s -> {
            assertEquals(Optional.empty(), omemo(s).sessions().load(BOB_1));
            assertEquals(Optional.empty(), s.sessions().load(BOB_2));
            assertEquals(List.of(BOB_2), omemo(s).sessions().devices("bob@example.org"));
            assertEquals(List.of(BOB_1), s.sessions().devices("bob@example.org"));
            return null;
        });
    }

    @Test
    void aFailedTransactionKeepsNoOmemoChange() {
        store.transact(s -> {
            omemo(s).sessions().store(BOB_1, bytes("before"));
            omemo(s).preKeys().store(OmemoPreKeyKind.ONE_TIME, 1, bytes("prekey"));
            return null;
        });
        assertThrows(IllegalStateException.class, () -> store.transact(s -> {
            omemo(s).sessions().store(BOB_1, bytes("after"));
            omemo(s).preKeys().remove(OmemoPreKeyKind.ONE_TIME, 1);
            omemo(s).device().storeLocalDevice(bytes("device"));
            omemo(s).identities().storeTrustRecord(BOB_1, bytes("trust"));
            throw new IllegalStateException("refused");
        }));
        store.transact(s -> {
            assertArrayEquals(bytes("before"), omemo(s).sessions().load(BOB_1).orElseThrow());
            assertTrue(omemo(s).preKeys().load(OmemoPreKeyKind.ONE_TIME, 1).isPresent());
            assertEquals(Optional.empty(), omemo(s).device().localDevice());
            assertEquals(Optional.empty(), omemo(s).identities().trustRecord(BOB_1));
            return null;
        });
    }

    @Test
    void loadingReturnsACopy() {
        store.transact(s -> {
            omemo(s).sessions().store(BOB_1, bytes("session"));
            return null;
        });
        store.transact(s -> {
            omemo(s).sessions().load(BOB_1).orElseThrow()[0] = 'X';
            return null;
        });
        store.transact(s -> {
            assertArrayEquals(bytes("session"), omemo(s).sessions().load(BOB_1).orElseThrow());
            return null;
        });
    }

    /**
     * The core on two of these stores: Bob starts a session from Alice's bundle, Alice decrypts the prekey message,
     * both stores are reopened, and the conversation continues; the one-time prekey Bob used is gone from Alice's
     * store, so a replay of his first message is refused.
     */
    @Test
    void theOmemoCoreRunsOnTheStoreAcrossAReopen() throws Exception {
        AccountStore bobStore = newStore("bob");
        try {
            SecureRandom random = new SecureRandom();
            Clock clock = Clock.systemUTC();
            im.sotto.protocol.omemo.OmemoBundle aliceBundle = store.transact(s -> open(s, random, clock).bundle());
            SessionAddress alice = new SessionAddress("alice@example.org", aliceBundle.deviceId());
            OmemoMessage first = bobStore.transact(s -> {
                OmemoPreKeys keys = open(s, random, clock);
                OmemoSessionCipher sessions = new OmemoSessionCipher(keys, s.omemo().sessions(), OmemoTrust.BLIND,
                        random);
                sessions.buildSession(alice, aliceBundle);
                return new OmemoMessageCipher(sessions, keys.deviceId(), random).encrypt(bytes("hello"),
                        List.of(alice));
            });
            SessionAddress bob = new SessionAddress("bob@example.org", first.senderDeviceId());
            assertEquals("hello", new String(decrypt(store, bob, first, random, clock), UTF_8));
            assertEquals(im.sotto.protocol.omemo.OmemoLimits.ONE_TIME_PREKEYS - 1,
                    store.transact(s -> s.omemo().preKeys().ids(OmemoPreKeyKind.ONE_TIME)).size());

            store = reopen("alice", store);
            bobStore = reopen("bob", bobStore);
            OmemoMessage second = bobStore.transact(s -> {
                OmemoPreKeys keys = open(s, random, clock);
                OmemoSessionCipher sessions = new OmemoSessionCipher(keys, s.omemo().sessions(), OmemoTrust.BLIND,
                        random);
                return new OmemoMessageCipher(sessions, keys.deviceId(), random).encrypt(bytes("again"),
                        List.of(alice));
            });
            assertEquals("again", new String(decrypt(store, bob, second, random, clock), UTF_8));
            OmemoDecryption replay = store.transact(s -> cipher(s, random, clock).decrypt(bob, first));
            assertInstanceOf(OmemoDecryption.Failed.class, replay);
        } finally {
            bobStore.close();
        }
    }

    private static OmemoPreKeys open(Stores s, SecureRandom random, Clock clock) {
        return OmemoPreKeys.open(s.omemo().device(), s.omemo().preKeys(), random, clock);
    }

    private static OmemoMessageCipher cipher(Stores s, SecureRandom random, Clock clock) {
        OmemoPreKeys keys = open(s, random, clock);
        return new OmemoMessageCipher(new OmemoSessionCipher(keys, s.omemo().sessions(), OmemoTrust.BLIND, random),
                keys.deviceId(), random);
    }

    private static byte[] decrypt(AccountStore store, SessionAddress sender, OmemoMessage message,
            SecureRandom random, Clock clock) {
        OmemoDecryption result = store.transact(s -> cipher(s, random, clock).decrypt(sender, message));
        return assertInstanceOf(OmemoDecryption.Message.class, result).plaintext();
    }
}
