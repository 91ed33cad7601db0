package im.sotto.protocol.omemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.omemo.internal.PreKeySignalMessage;
import im.sotto.protocol.omemo.internal.SessionRecord;
import im.sotto.protocol.omemo.internal.SignalMessage;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the OMEMO 0.3 parsers (docs/reliability.md, "Fuzzing"): Signal messages and prekey messages parse or
 * give an {@link OmemoException}, never anything unchecked; a live session decrypts anything to a
 * {@link KeyDecryption} and its stores change only when it decrypted; a session record loads or is reported
 * damaged, and one that loads re-encodes to the same bytes.
 */
class OmemoFuzzTest {
    private static final Conversation LIVE = new Conversation();

    /** Bob holds a session with Alice with a skipped key, plus an unanswered prekey message from Carol. */
    private static final class Conversation {
        final OmemoTestDevice alice = new OmemoTestDevice("alice@example.org");
        final OmemoTestDevice bob = new OmemoTestDevice("bob@example.org");
        final OmemoTestDevice carol = new OmemoTestDevice("carol@example.org");
        final Map<String, byte[]> toBob = new LinkedHashMap<>();

        Conversation() {
            try {
                alice.sessions.buildSession(bob.address(), bob.keys.bundle());
                bob.sessions.decrypt(alice.address(), alice.sessions.encrypt(bob.address(), new byte[32]));
                alice.sessions.decrypt(bob.address(), bob.sessions.encrypt(alice.address(), new byte[32]));
                toBob.put("late", alice.sessions.encrypt(bob.address(), new byte[32]).data());
                toBob.put("normal", alice.sessions.encrypt(bob.address(), new byte[32]).data());
                bob.sessions.decrypt(alice.address(), new EncryptedKey(bob.keys.deviceId(), false,
                        toBob.get("normal")));
                toBob.put("duplicate", toBob.get("normal"));
                carol.sessions.buildSession(bob.address(), bob.keys.bundle());
                toBob.put("prekey", carol.sessions.encrypt(bob.address(), new byte[32]).data());
            } catch (OmemoException e) {
                throw new AssertionError(e);
            }
        }

        /** A copy of Bob's stores, so every input meets the same state. */
        InMemoryOmemoStore bobStore() {
            InMemoryOmemoStore copy = new InMemoryOmemoStore();
            copy.storeLocalDevice(bob.store.localDevice().orElseThrow());
            for (OmemoPreKeyKind kind : OmemoPreKeyKind.values()) {
                for (int id : bob.store.ids(kind)) {
                    copy.store(kind, id, bob.store.load(kind, id).orElseThrow());
                }
            }
            for (SessionAddress a : List.of(alice.address(), carol.address())) {
                bob.store.load(a).ifPresent(r -> copy.store(a, r));
            }
            return copy;
        }
    }

    @FuzzTest
    void signalMessage(byte[] data) {
        try {
            assertArrayEquals(data, SignalMessage.parse(data).serialized());
        } catch (OmemoException expected) {
            assertNotNull(expected.reason());
        }
        try {
            assertArrayEquals(data, PreKeySignalMessage.parse(data).serialized());
        } catch (OmemoException expected) {
            assertNotNull(expected.reason());
        }
    }

    @FuzzTest
    void decrypt(byte[] data) {
        for (boolean preKey : new boolean[] {false, true}) {
            for (OmemoTestDevice sender : List.of(LIVE.alice, LIVE.carol)) {
                InMemoryOmemoStore store = LIVE.bobStore();
                OmemoPreKeys keys = OmemoPreKeys.open(store, store, new DeterministicRandom("fuzz"),
                        OmemoTestDevice.CLOCK);
                OmemoSessionCipher bob = new OmemoSessionCipher(keys, store, OmemoTrust.BLIND,
                        new DeterministicRandom("fuzz"));
                byte[] before = store.load(sender.address()).orElse(null);
                List<Integer> preKeysBefore = store.ids(OmemoPreKeyKind.ONE_TIME);
                KeyDecryption result = bob.decrypt(sender.address(), new EncryptedKey(keys.deviceId(), preKey, data));
                assertNotNull(result);
                if (result instanceof KeyDecryption.Failed) {
                    assertArrayEquals(before, store.load(sender.address()).orElse(null), () -> "a refused message "
                            + "changed the session: " + result);
                    assertEquals(preKeysBefore, store.ids(OmemoPreKeyKind.ONE_TIME));
                }
            }
        }
    }

    @FuzzTest
    void sessionRecord(byte[] data) {
        List<im.sotto.protocol.omemo.internal.SessionState> states;
        try {
            states = SessionRecord.decode(data);
        } catch (StoreFailureException expected) {
            assertEquals(StoreFailureException.Kind.DAMAGED, expected.kind());
            return;
        }
        assertArrayEquals(data, SessionRecord.encode(states), "a record that loads re-encodes to the same bytes");
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("protocol", OmemoFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Conversation c = new Conversation();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("bob-with-alice", c.bob.store.load(c.alice.address()).orElseThrow());
        records.put("alice-with-bob", c.alice.store.load(c.bob.address()).orElseThrow());
        records.put("carol-pending", c.carol.store.load(c.bob.address()).orElseThrow());
        Map<String, byte[]> messages = new LinkedHashMap<>(c.toBob);
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("signalMessage", messages);
        seeds.put("decrypt", c.toBob);
        seeds.put("sessionRecord", records);
        return seeds;
    }
}
