package im.sotto.protocol.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of the {@link ContactStore} and the {@link ConversationLog} every {@link AccountStore} must have;
 * the in-memory store and the SQLite store both pass it.
 */
public abstract class ClientDataContractTest {
    private static final String BOB = "bob@example.org";
    private static final String CAROL = "carol@example.net";

    protected AccountStore store;

    protected abstract AccountStore newStore() throws Exception;

    /** The same store after closing and opening it again (or {@code old} for a store without persistence). */
    protected abstract AccountStore reopen(AccountStore old) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void contactsAreStoredReplacedListedInOrderAndDeleted() throws Exception {
        store.transact(s -> {
            assertEquals(List.of(), s.contacts().peers());
            s.contacts().store(CAROL, bytes("carol v1"));
            s.contacts().store(BOB, bytes("bob v1"));
            s.contacts().store(CAROL, bytes("carol v2"));
            return null;
        });
        store = reopen(store);
        store.transact(s -> {
            assertEquals(List.of(BOB, CAROL), s.contacts().peers());
            assertArrayEquals(bytes("carol v2"), s.contacts().load(CAROL).orElseThrow());
            assertTrue(s.contacts().delete(BOB));
            assertFalse(s.contacts().delete(BOB));
            assertEquals(Optional.empty(), s.contacts().load(BOB));
            return null;
        });
        assertEquals(List.of(CAROL), store.transact(s -> s.contacts().peers()));
    }

    @Test
    void peerDeviceRecordsAreKeptPerAccountReplacedAndSurviveReopening() throws Exception {
        store.transact(s -> {
            assertEquals(Optional.empty(), s.peerDevices().load(BOB));
            s.peerDevices().store(BOB, bytes("bob v1"));
            s.peerDevices().store(CAROL, bytes("carol v1"));
            s.peerDevices().store(BOB, bytes("bob v2"));
            return null;
        });
        assertThrows(IllegalStateException.class, () -> store.transact(s -> {
            s.peerDevices().store(CAROL, bytes("lost"));
            throw new IllegalStateException("abort");
        }));
        store = reopen(store);
        store.transact(s -> {
            assertArrayEquals(bytes("bob v2"), s.peerDevices().load(BOB).orElseThrow());
            assertArrayEquals(bytes("carol v1"), s.peerDevices().load(CAROL).orElseThrow());
            return null;
        });
    }

    @Test
    void aFailedTransactionKeepsNoContactAndNoLine() {
        assertThrows(IllegalStateException.class, () -> store.transact(s -> {
            s.contacts().store(BOB, bytes("lost"));
            s.conversations().append(BOB, "m-1", bytes("lost"));
            throw new IllegalStateException("abort");
        }));
        store.transact(s -> {
            assertEquals(List.of(), s.contacts().peers());
            assertEquals(List.of(), s.conversations().recent(BOB, 10));
            return null;
        });
    }

    @Test
    void recentLinesArePerContactOldestFirstAndSurviveReopening() throws Exception {
        store.transact(s -> {
            s.conversations().append(BOB, "m-1", bytes("to bob 1"));
            s.conversations().append(CAROL, "m-1", bytes("to carol"));
            s.conversations().append(BOB, "m-2", bytes("from bob 2"));
            s.conversations().append(BOB, "m-3", bytes("to bob 3"));
            return null;
        });
        store = reopen(store);
        store.transact(s -> {
            assertEquals(List.of("from bob 2", "to bob 3"), texts(s.conversations().recent(BOB, 2)));
            assertEquals(List.of("to bob 1", "from bob 2", "to bob 3"), texts(s.conversations().recent(BOB, 10)));
            assertEquals(List.of("to carol"), texts(s.conversations().recent(CAROL, 10)));
            assertEquals(List.of(), s.conversations().recent(BOB, 0));
            return null;
        });
    }

    @Test
    void aLineIsFoundAndReplacedUnderItsMessageIdOfThatContactOnly() throws Exception {
        store.transact(s -> {
            s.conversations().append(BOB, "same-id", bytes("bob sent"));
            s.conversations().append(CAROL, "same-id", bytes("carol sent"));
            assertTrue(s.conversations().replace(BOB, "same-id", bytes("bob sent, delivered")));
            assertFalse(s.conversations().replace(BOB, "unknown", bytes("nothing")));
            assertFalse(s.conversations().replace("dave@example.com", "same-id", bytes("nothing")));
            return null;
        });
        store = reopen(store);
        store.transact(s -> {
            assertArrayEquals(bytes("bob sent, delivered"), s.conversations().find(BOB, "same-id").orElseThrow());
            assertArrayEquals(bytes("carol sent"), s.conversations().find(CAROL, "same-id").orElseThrow());
            assertEquals(Optional.empty(), s.conversations().find(BOB, "unknown"));
            assertEquals(List.of("bob sent, delivered"), texts(s.conversations().recent(BOB, 10)));
            return null;
        });
    }

    @Test
    void theLogKeepsOnlyTheNewestLinesOfEachContact() {
        int extra = 5;
        store.transact(s -> {
            s.conversations().append(CAROL, "c-0", bytes("carol's only line"));
            for (int i = 0; i < ConversationLog.MAX_RECORDS_PER_PEER + extra; i++) {
                s.conversations().append(BOB, "b-" + i, bytes("line " + i));
            }
            return null;
        });
        store.transact(s -> {
            List<String> kept = texts(s.conversations().recent(BOB, 2 * ConversationLog.MAX_RECORDS_PER_PEER));
            assertEquals(ConversationLog.MAX_RECORDS_PER_PEER, kept.size());
            assertEquals("line " + extra, kept.get(0));
            assertEquals("line " + (ConversationLog.MAX_RECORDS_PER_PEER + extra - 1), kept.get(kept.size() - 1));
            assertEquals(Optional.empty(), s.conversations().find(BOB, "b-0"), "the oldest line is gone");
            assertEquals(List.of("carol's only line"), texts(s.conversations().recent(CAROL, 10)),
                    "another contact's lines are not pushed out");
            return null;
        });
    }

    @Test
    void badArgumentsAreRefusedAndChangeNothing() {
        store.transact(s -> {
            assertThrows(IllegalArgumentException.class, () -> s.contacts().store("bob@example.org/phone", bytes("x")));
            assertThrows(IllegalArgumentException.class, () -> s.contacts().store(BOB, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> s.conversations().append(BOB, "", bytes("x")));
            assertThrows(IllegalArgumentException.class, () -> s.conversations().append(BOB, "x".repeat(
                    LogEntry.MAX_STANZA_ID_BYTES + 1), bytes("x")));
            assertThrows(IllegalArgumentException.class, () -> s.conversations().recent(BOB, -1));
            assertEquals(List.of(), s.contacts().peers());
            assertEquals(List.of(), s.conversations().recent(BOB, 10));
            return null;
        });
    }

    private static List<String> texts(List<ConversationLog.Entry> entries) {
        return entries.stream().map(e -> new String(e.record(), UTF_8)).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
