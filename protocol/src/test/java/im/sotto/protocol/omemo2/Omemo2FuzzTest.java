package im.sotto.protocol.omemo2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo2.internal.TwomemoMessage;
import im.sotto.protocol.omemo2.internal.TwomemoRecord;
import im.sotto.protocol.omemo2.internal.TwomemoState;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the OMEMO 2 parsers (docs/reliability.md, "Fuzzing"): key exchanges and authenticated messages parse
 * or give an {@link OmemoException}, and what parses re-serializes to a fixed point; a live session decrypts anything
 * to an {@link Omemo2Decryption} and its stores change only when it decrypted; a session record loads or is reported
 * damaged, and one that loads re-encodes to the same bytes.
 */
class Omemo2FuzzTest {
    private static final Conversation LIVE = new Conversation();

    /** Bob holds a session with Alice with a skipped key, plus an unanswered key exchange from Carol. */
    private static final class Conversation {
        final Omemo2TestDevice alice = new Omemo2TestDevice("alice@example.org");
        final Omemo2TestDevice bob = new Omemo2TestDevice("bob@example.org");
        final Omemo2TestDevice carol = new Omemo2TestDevice("carol@example.org");
        final Map<String, byte[]> toBob = new LinkedHashMap<>();
        final Map<String, byte[]> payloads = new LinkedHashMap<>();

        Conversation() {
            try {
                bob.receive(alice, alice.send(bob, "hello"));
                alice.receive(bob, bob.send(alice, "hi"));
                put("late", alice.send(bob, "late"));
                Omemo2TestDevice.Sent normal = alice.send(bob, "normal");
                put("normal", normal);
                bob.receive(alice, normal);
                put("empty", alice.send(bob, null));
                put("kex", carol.send(bob, "from carol"));
            } catch (OmemoException e) {
                throw new AssertionError(e);
            }
        }

        private void put(String name, Omemo2TestDevice.Sent sent) {
            toBob.put(name, sent.key().data());
            payloads.put(name, sent.payload());
        }

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
    void keyElement(byte[] data) {
        try {
            byte[] once = TwomemoMessage.Authenticated.parse(data).serialize();
            assertArrayEquals(once, TwomemoMessage.Authenticated.parse(once).serialize());
        } catch (OmemoException expected) {
            assertNotNull(expected.reason());
        }
        try {
            byte[] once = TwomemoMessage.KeyExchange.parse(data).serialize();
            assertArrayEquals(once, TwomemoMessage.KeyExchange.parse(once).serialize());
        } catch (OmemoException expected) {
            assertNotNull(expected.reason());
        }
    }

    @FuzzTest
    void decrypt(byte[] data) {
        for (boolean kex : new boolean[] {false, true}) {
            for (Omemo2TestDevice sender : List.of(LIVE.alice, LIVE.carol)) {
                for (Optional<byte[]> payload : List.of(Optional.<byte[]>empty(),
                        Optional.of(LIVE.payloads.get("late")))) {
                    InMemoryOmemoStore store = LIVE.bobStore();
                    Omemo2LocalKeys keys = Omemo2LocalKeys.open(store, store, new DeterministicRandom("fuzz"),
                            Omemo2TestDevice.CLOCK);
                    Omemo2SessionCipher bob = new Omemo2SessionCipher(keys, store, Omemo2Trust.BLIND,
                            new DeterministicRandom("fuzz"));
                    byte[] before = store.load(sender.address()).orElse(null);
                    List<Integer> preKeysBefore = store.ids(OmemoPreKeyKind.ONE_TIME);
                    Omemo2Decryption result = bob.decrypt(sender.address(), new EncryptedKey(keys.deviceId(), kex,
                            data), payload);
                    assertNotNull(result);
                    if (result instanceof Omemo2Decryption.Failed) {
                        assertArrayEquals(before, store.load(sender.address()).orElse(null),
                                () -> "a refused message changed the session: " + result);
                        assertEquals(preKeysBefore, store.ids(OmemoPreKeyKind.ONE_TIME));
                    }
                }
            }
        }
    }

    @FuzzTest
    void sessionRecord(byte[] data) {
        List<TwomemoState> states;
        try {
            states = TwomemoRecord.decode(data);
        } catch (StoreFailureException expected) {
            assertEquals(StoreFailureException.Kind.DAMAGED, expected.kind());
            return;
        }
        assertArrayEquals(data, TwomemoRecord.encode(states), "a record that loads re-encodes to the same bytes");
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("protocol", Omemo2FuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Conversation c = new Conversation();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("bob-with-alice", c.bob.store.load(c.alice.address()).orElseThrow());
        records.put("alice-with-bob", c.alice.store.load(c.bob.address()).orElseThrow());
        records.put("carol-pending", c.carol.store.load(c.bob.address()).orElseThrow());
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("keyElement", c.toBob);
        seeds.put("decrypt", c.toBob);
        seeds.put("sessionRecord", records);
        return seeds;
    }
}
