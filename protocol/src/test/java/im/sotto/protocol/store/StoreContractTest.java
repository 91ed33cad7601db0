package im.sotto.protocol.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AccountStore} must have. A store module extends this class and supplies its store; the
 * in-memory store and the SQLite store both pass it.
 */
public abstract class StoreContractTest {
    protected static final SessionAddress BOB_1 = new SessionAddress("bob@example.org", 1);
    protected static final SessionAddress BOB_2 = new SessionAddress("bob@example.org", 2);
    protected static final SessionAddress CAROL_7 = new SessionAddress("carol@example.net", 7);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    protected AccountStore store;

    /** A new, empty store. */
    protected abstract AccountStore newStore() throws Exception;

    /**
     * The same store after closing and opening it again. Stores without persistence return {@code old}; durable ones
     * must return a new instance on the same data.
     */
    protected abstract AccountStore reopen(AccountStore old) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void newStoreIsEmpty() {
        store.transact(s -> {
            assertEquals(Optional.empty(), s.identities().localIdentity());
            assertEquals(Optional.empty(), s.identities().peerTrust("bob@example.org"));
            assertEquals(List.of(), s.sessions().addresses());
            assertEquals(List.of(), s.preKeys().ids(PreKeyKind.SIGNED));
            assertEquals(List.of(), s.preKeys().ids(PreKeyKind.ONE_TIME));
            assertEquals(List.of(), s.retainedSecrets().addresses());
            assertEquals(List.of(), s.outboundQueue().pending("bob@example.org"));
            assertEquals(List.of(), s.messageLog().read(0, 10));
            assertEquals(0, s.restoreCounter().value());
            return null;
        });
    }

    @Test
    void identityAndTrustRecordsRoundTripAsCopies() {
        byte[] identity = bytes("identity v1");
        store.transact(s -> {
            s.identities().storeLocalIdentity(identity);
            s.identities().storePeerTrust("bob@example.org", bytes("trust bob"));
            s.identities().storePeerTrust("carol@example.net", bytes("trust carol"));
            return null;
        });
        identity[0] = 'X';
        store.transact(s -> {
            byte[] loaded = s.identities().localIdentity().orElseThrow();
            assertArrayEquals(bytes("identity v1"), loaded);
            loaded[0] = 'Y';
            assertArrayEquals(bytes("identity v1"), s.identities().localIdentity().orElseThrow());
            assertArrayEquals(bytes("trust bob"), s.identities().peerTrust("bob@example.org").orElseThrow());
            assertArrayEquals(bytes("trust carol"), s.identities().peerTrust("carol@example.net").orElseThrow());
            s.identities().storePeerTrust("bob@example.org", bytes("trust bob, verified"));
            return null;
        });
        store.transact(s -> {
            assertArrayEquals(bytes("trust bob, verified"), s.identities().peerTrust("bob@example.org").orElseThrow());
            return null;
        });
    }

    @Test
    void sessionsAreKeptPerDeviceListedInOrderAndDeleted() {
        store.transact(s -> {
            s.sessions().store(CAROL_7, bytes("carol 7"));
            s.sessions().store(BOB_2, bytes("bob 2"));
            s.sessions().store(BOB_1, bytes("bob 1"));
            s.sessions().store(BOB_1, bytes("bob 1, later"));
            return null;
        });
        store.transact(s -> {
            assertEquals(List.of(BOB_1, BOB_2, CAROL_7), s.sessions().addresses());
            assertEquals(List.of(BOB_1, BOB_2), s.sessions().devices("bob@example.org"));
            assertEquals(List.of(), s.sessions().devices("dave@example.com"));
            assertArrayEquals(bytes("bob 1, later"), s.sessions().load(BOB_1).orElseThrow());
            assertTrue(s.sessions().delete(BOB_2));
            assertFalse(s.sessions().delete(BOB_2));
            assertEquals(Optional.empty(), s.sessions().load(BOB_2));
            return null;
        });
        store.transact(s -> {
            assertEquals(List.of(BOB_1, CAROL_7), s.sessions().addresses());
            return null;
        });
    }

    @Test
    void preKeysAreKeptByKindAndIdAndExpire() {
        store.transact(s -> {
            s.preKeys().store(PreKeyKind.SIGNED, 1, bytes("spk 1"), T0.plusSeconds(10));
            s.preKeys().store(PreKeyKind.ONE_TIME, 1, bytes("opk 1"), T0.plusSeconds(100));
            s.preKeys().store(PreKeyKind.ONE_TIME, 3, bytes("opk 3"), T0.plusSeconds(5));
            s.preKeys().store(PreKeyKind.ONE_TIME, 2, bytes("opk 2"), T0.plusSeconds(100));
            return null;
        });
        store.transact(s -> {
            assertArrayEquals(bytes("spk 1"), s.preKeys().load(PreKeyKind.SIGNED, 1).orElseThrow());
            assertArrayEquals(bytes("opk 1"), s.preKeys().load(PreKeyKind.ONE_TIME, 1).orElseThrow());
            assertEquals(List.of(1L), s.preKeys().ids(PreKeyKind.SIGNED));
            assertEquals(List.of(1L, 2L, 3L), s.preKeys().ids(PreKeyKind.ONE_TIME));
            assertTrue(s.preKeys().remove(PreKeyKind.ONE_TIME, 1));
            assertFalse(s.preKeys().remove(PreKeyKind.ONE_TIME, 1));
            assertEquals(Optional.empty(), s.preKeys().load(PreKeyKind.ONE_TIME, 1));
            assertEquals(0, s.preKeys().removeExpired(T0.plusSeconds(5)));
            assertEquals(2, s.preKeys().removeExpired(T0.plusSeconds(11)));
            return null;
        });
        store.transact(s -> {
            assertEquals(List.of(), s.preKeys().ids(PreKeyKind.SIGNED));
            assertEquals(List.of(2L), s.preKeys().ids(PreKeyKind.ONE_TIME));
            return null;
        });
    }

    @Test
    void replayCacheAcceptsAnEntryOnceUntilPurged() {
        byte[] first = bytes("digest of message 1");
        byte[] second = bytes("digest of message 2");
        store.transact(s -> {
            assertTrue(s.replayCache().addIfAbsent(first, T0.plusSeconds(10)));
            assertFalse(s.replayCache().addIfAbsent(first, T0.plusSeconds(99)));
            assertTrue(s.replayCache().addIfAbsent(second, T0.plusSeconds(20)));
            return null;
        });
        store.transact(s -> {
            assertFalse(s.replayCache().addIfAbsent(first.clone(), T0.plusSeconds(10)));
            assertEquals(0, s.replayCache().purgeExpired(T0.plusSeconds(10)));
            assertEquals(1, s.replayCache().purgeExpired(T0.plusSeconds(11)));
            assertTrue(s.replayCache().addIfAbsent(first, T0.plusSeconds(30)));
            assertFalse(s.replayCache().addIfAbsent(second, T0.plusSeconds(30)));
            return null;
        });
    }

    @Test
    void replayCacheSaysWhetherAnEntryIsThereWithoutAddingIt() {
        byte[] entry = bytes("delivered again");
        store.transact(s -> {
            assertFalse(s.replayCache().contains(entry));
            assertFalse(s.replayCache().contains(entry), "asking adds nothing");
            assertTrue(s.replayCache().addIfAbsent(entry, T0.plusSeconds(10)));
            assertTrue(s.replayCache().contains(entry.clone()));
            return null;
        });
        store.transact(s -> {
            assertTrue(s.replayCache().contains(entry), "expired but not purged: still there");
            s.replayCache().purgeExpired(T0.plusSeconds(11));
            assertFalse(s.replayCache().contains(entry));
            return null;
        });
    }

    @Test
    void retainedSecretsAreKeptPerDevice() {
        store.transact(s -> {
            s.retainedSecrets().store(BOB_2, bytes("rs bob 2"));
            s.retainedSecrets().store(BOB_1, bytes("rs bob 1"));
            return null;
        });
        store.transact(s -> {
            assertEquals(List.of(BOB_1, BOB_2), s.retainedSecrets().addresses());
            assertArrayEquals(bytes("rs bob 2"), s.retainedSecrets().load(BOB_2).orElseThrow());
            assertTrue(s.retainedSecrets().delete(BOB_1));
            assertFalse(s.retainedSecrets().delete(BOB_1));
            assertEquals(Optional.empty(), s.retainedSecrets().load(BOB_1));
            return null;
        });
    }

    @Test
    void outboundQueueKeepsOrderPerPeerAndRemoves() {
        long[] ids = store.transact(s -> new long[] {
            s.outboundQueue().enqueue("bob@example.org", bytes("first")),
            s.outboundQueue().enqueue("carol@example.net", bytes("for carol")),
            s.outboundQueue().enqueue("bob@example.org", bytes("second")),
        });
        assertTrue(ids[0] < ids[1] && ids[1] < ids[2]);
        store.transact(s -> {
            assertEquals(List.of("bob@example.org", "carol@example.net"), s.outboundQueue().peers());
            return null;
        });
        store.transact(s -> {
            List<QueuedStanza> bob = s.outboundQueue().pending("bob@example.org");
            assertEquals(List.of(new QueuedStanza(ids[0], "bob@example.org", bytes("first")),
                    new QueuedStanza(ids[2], "bob@example.org", bytes("second"))), bob);
            assertTrue(s.outboundQueue().remove(ids[0]));
            assertFalse(s.outboundQueue().remove(ids[0]));
            return null;
        });
        long later = store.transact(s -> s.outboundQueue().enqueue("bob@example.org", bytes("third")));
        assertTrue(later > ids[2]);
        store.transact(s -> {
            assertEquals(2, s.outboundQueue().pending("bob@example.org").size());
            assertEquals(1, s.outboundQueue().pending("carol@example.net").size());
            s.outboundQueue().pending("carol@example.net").forEach(q -> s.outboundQueue().remove(q.id()));
            assertEquals(List.of("bob@example.org"), s.outboundQueue().peers(), "a peer with nothing left is gone");
            return null;
        });
    }

    /** A replaced entry keeps its id, peer and place; a removed one cannot be replaced (and is not brought back). */
    @Test
    void outboundQueueReplacesInPlace() {
        long[] ids = store.transact(s -> new long[] {
            s.outboundQueue().enqueue("bob@example.org", bytes("first")),
            s.outboundQueue().enqueue("bob@example.org", bytes("second")),
        });
        store.transact(s -> {
            assertTrue(s.outboundQueue().replace(ids[0], bytes("first, tried once")));
            return null;
        });
        store.transact(s -> {
            assertEquals(List.of(new QueuedStanza(ids[0], "bob@example.org", bytes("first, tried once")),
                    new QueuedStanza(ids[1], "bob@example.org", bytes("second"))),
                    s.outboundQueue().pending("bob@example.org"));
            assertTrue(s.outboundQueue().remove(ids[1]));
            assertFalse(s.outboundQueue().replace(ids[1], bytes("back?")));
            assertEquals(1, s.outboundQueue().pending("bob@example.org").size());
            return null;
        });
    }

    @Test
    void messageLogNumbersEntriesAndPages() {
        LogEntry sent = new LogEntry(LogEntry.Direction.SENT, BOB_1, "id-1", T0, bytes("hello"));
        LogEntry received = new LogEntry(LogEntry.Direction.RECEIVED, BOB_1, "id-2", T0.plusMillis(1), bytes("hi"));
        LogEntry empty = new LogEntry(LogEntry.Direction.RECEIVED, CAROL_7, "id-3", T0.plusMillis(2), new byte[0]);
        long[] seq = store.transact(s -> new long[] {
            s.messageLog().append(sent), s.messageLog().append(received), s.messageLog().append(empty)});
        assertTrue(seq[0] < seq[1] && seq[1] < seq[2]);
        store.transact(s -> {
            assertEquals(List.of(new MessageLog.Logged(seq[0], sent), new MessageLog.Logged(seq[1], received)),
                    s.messageLog().read(0, 2));
            assertEquals(List.of(new MessageLog.Logged(seq[2], empty)), s.messageLog().read(seq[1], 10));
            assertEquals(List.of(), s.messageLog().read(seq[2], 10));
            assertEquals(List.of(), s.messageLog().read(0, 0));
            return null;
        });
    }

    @Test
    void restoreCounterOnlyGrows() {
        store.transact(s -> {
            s.restoreCounter().advanceTo(5);
            assertThrows(IllegalArgumentException.class, () -> s.restoreCounter().advanceTo(4));
            s.restoreCounter().advanceTo(5);
            return null;
        });
        long value = store.transact(s -> s.restoreCounter().value());
        assertEquals(5L, value);
        long advanced = store.transact(RestoreGuard::advance);
        assertEquals(6L, advanced);
    }

    @Test
    void archiveCursorIsReplacedWholeAndRolledBackWithItsTransaction() throws Exception {
        assertEquals(Optional.empty(), store.transact(s -> s.archiveCursor().load()));
        store.transact(s -> {
            s.archiveCursor().store(bytes("cursor-1"));
            s.archiveCursor().store(bytes("cursor-2"));
            return null;
        });
        assertThrows(IOException.class, () -> store.transact(s -> {
            s.archiveCursor().store(bytes("cursor-3"));
            throw new IOException("crash before the commit");
        }));
        assertThrows(IllegalArgumentException.class,
                () -> store.transact(s -> {
                    s.archiveCursor().store(new byte[0]);
                    return null;
                }));
        store = reopen(store);
        assertArrayEquals(bytes("cursor-2"), store.transact(s -> s.archiveCursor().load()).orElseThrow());
    }

    @Test
    void failedTransactionKeepsNothing() {
        store.transact(s -> {
            s.sessions().store(BOB_1, bytes("before"));
            return null;
        });
        assertThrows(IOException.class, () -> store.transact(s -> {
            s.sessions().store(BOB_1, bytes("after"));
            s.sessions().store(BOB_2, bytes("new"));
            s.messageLog().append(new LogEntry(LogEntry.Direction.SENT, BOB_1, "x", T0, bytes("lost")));
            s.restoreCounter().advanceTo(9);
            throw new IOException("network down before the commit");
        }));
        assertThrows(IllegalStateException.class, () -> store.transact(s -> {
            s.sessions().delete(BOB_1);
            s.preKeys().store(PreKeyKind.ONE_TIME, 1, bytes("opk"), T0);
            throw new IllegalStateException("bug in the work");
        }));
        store.transact(s -> {
            assertArrayEquals(bytes("before"), s.sessions().load(BOB_1).orElseThrow());
            assertEquals(List.of(BOB_1), s.sessions().addresses());
            assertEquals(List.of(), s.messageLog().read(0, 10));
            assertEquals(List.of(), s.preKeys().ids(PreKeyKind.ONE_TIME));
            assertEquals(0, s.restoreCounter().value());
            return null;
        });
    }

    /** Every part written, removed from or purged in a failed transaction reads afterwards as it was before. */
    @Test
    void failedTransactionLeavesEveryPartAsItWas() {
        Instant later = T0.plusSeconds(3600);
        store.transact(s -> {
            s.identities().storePeerTrust("bob@example.org", bytes("trust"));
            s.sessions().store(BOB_1, bytes("session"));
            s.preKeys().store(PreKeyKind.ONE_TIME, 1, bytes("opk"), T0);
            s.replayCache().addIfAbsent(bytes("seen"), T0);
            s.retainedSecrets().store(BOB_1, bytes("retained"));
            s.outboundQueue().enqueue("bob@example.org", bytes("queued"));
            s.messageLog().append(new LogEntry(LogEntry.Direction.SENT, BOB_1, "m1", T0, bytes("logged")));
            return null;
        });
        assertThrows(IOException.class, () -> store.transact(s -> {
            s.identities().storePeerTrust("bob@example.org", bytes("changed"));
            s.identities().storePeerTrust("carol@example.net", bytes("new"));
            s.sessions().delete(BOB_1);
            s.preKeys().removeExpired(later);
            s.replayCache().purgeExpired(later);
            s.replayCache().addIfAbsent(bytes("seen"), later);   // purged, then added again with a later expiry
            s.replayCache().addIfAbsent(bytes("other"), later);
            s.retainedSecrets().delete(BOB_1);
            s.outboundQueue().remove(s.outboundQueue().pending("bob@example.org").get(0).id());
            s.outboundQueue().enqueue("carol@example.net", bytes("more"));
            s.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, BOB_1, "m2", T0, bytes("more")));
            throw new IOException("crash before the commit");
        }));
        store.transact(s -> {
            assertArrayEquals(bytes("trust"), s.identities().peerTrust("bob@example.org").orElseThrow());
            assertEquals(Optional.empty(), s.identities().peerTrust("carol@example.net"));
            assertArrayEquals(bytes("session"), s.sessions().load(BOB_1).orElseThrow());
            assertEquals(List.of(1L), s.preKeys().ids(PreKeyKind.ONE_TIME));
            assertTrue(s.replayCache().contains(bytes("seen")), "the replay entry must still be there");
            assertFalse(s.replayCache().contains(bytes("other")), "the failed transaction's entry must be gone");
            assertEquals(1, s.replayCache().purgeExpired(T0.plusSeconds(1)), "with its old expiry");
            assertArrayEquals(bytes("retained"), s.retainedSecrets().load(BOB_1).orElseThrow());
            assertEquals(1, s.outboundQueue().pending("bob@example.org").size());
            assertEquals(List.of("bob@example.org"), s.outboundQueue().peers());
            assertEquals(1, s.messageLog().read(0, 10).size());
            return null;
        });
    }

    @Test
    void aViewIsDeadOutsideItsTransaction() {
        AtomicReference<Stores> leaked = new AtomicReference<>();
        store.transact(s -> {
            leaked.set(s);
            return null;
        });
        assertThrows(IllegalStateException.class, () -> leaked.get().sessions().load(BOB_1));
        assertThrows(IllegalStateException.class, () -> leaked.get().messageLog().read(0, 1));
    }

    @Test
    void nestedTransactionsAndClosedStoresAreRefused() {
        assertThrows(IllegalStateException.class, () -> store.transact(s -> store.transact(t -> null)));
        store.close();
        assertThrows(IllegalStateException.class, () -> store.transact(s -> null));
    }

    @Test
    void invalidArgumentsAreRefused() {
        store.transact(s -> {
            assertThrows(IllegalArgumentException.class, () -> s.sessions().store(BOB_1, new byte[0]));
            assertThrows(IllegalArgumentException.class,
                    () -> s.sessions().store(BOB_1, new byte[Records.MAX_RECORD_LENGTH + 1]));
            assertThrows(IllegalArgumentException.class, () -> s.identities().peerTrust("bob@example.org/phone"));
            assertThrows(IllegalArgumentException.class, () -> s.identities().peerTrust(""));
            assertThrows(IllegalArgumentException.class,
                    () -> s.replayCache().addIfAbsent(new byte[ReplayCache.MAX_ENTRY_LENGTH + 1], T0));
            assertThrows(IllegalArgumentException.class, () -> s.replayCache().addIfAbsent(new byte[0], T0));
            assertThrows(IllegalArgumentException.class, () -> s.messageLog().read(0, -1));
            assertThrows(NullPointerException.class, () -> s.sessions().load(null));
            return null;
        });
        assertThrows(IllegalArgumentException.class, () -> new SessionAddress("bob@example.org", -1));
    }

    @Test
    void restoreGuardAcceptsACurrentStore() {
        long first = store.transact(RestoreGuard::advance);
        assertEquals(1L, first);
        assertEquals(new RestoreCheck.Current(1), store.transact(s -> RestoreGuard.check(s, 1)));
        assertEquals(new RestoreCheck.Current(1), store.transact(s -> RestoreGuard.check(s, 0)));
    }

    @Test
    void restoreGuardDropsSessionsAndPreKeysOfAStaleStoreAndKeepsTheIdentity() {
        store.transact(s -> {
            s.identities().storeLocalIdentity(bytes("identity"));
            s.identities().storePeerTrust("bob@example.org", bytes("trust"));
            s.sessions().store(BOB_1, bytes("session"));
            s.sessions().store(CAROL_7, bytes("session"));
            s.preKeys().store(PreKeyKind.SIGNED, 1, bytes("spk"), T0);
            s.preKeys().store(PreKeyKind.ONE_TIME, 4, bytes("opk"), T0);
            s.retainedSecrets().store(BOB_1, bytes("rs"));
            s.messageLog().append(new LogEntry(LogEntry.Direction.SENT, BOB_1, "m1", T0, bytes("kept")));
            s.outboundQueue().enqueue("carol@example.net", bytes("queued"));
            RestoreGuard.advance(s);
            return null;
        });
        RestoreCheck check = store.transact(s -> RestoreGuard.check(s, 3));
        assertEquals(new RestoreCheck.RestoredFromBackup(1, 3, 2, 2, 1), check);
        store.transact(s -> {
            assertEquals(List.of(), s.sessions().addresses());
            assertEquals(List.of(), s.preKeys().ids(PreKeyKind.SIGNED));
            assertEquals(List.of(), s.preKeys().ids(PreKeyKind.ONE_TIME));
            assertEquals(List.of(), s.retainedSecrets().addresses());
            assertArrayEquals(bytes("identity"), s.identities().localIdentity().orElseThrow());
            assertArrayEquals(bytes("trust"), s.identities().peerTrust("bob@example.org").orElseThrow());
            assertEquals(1, s.messageLog().read(0, 10).size());
            assertEquals(1, s.outboundQueue().pending("carol@example.net").size());
            assertInstanceOf(RestoreCheck.Current.class, RestoreGuard.check(s, 3));
            assertEquals(4, RestoreGuard.advance(s));
            return null;
        });
    }

    @Test
    void everythingSurvivesReopening() throws Exception {
        LogEntry entry = new LogEntry(LogEntry.Direction.RECEIVED, CAROL_7, "r-1", T0, bytes("durable"));
        long[] ids = store.transact(s -> {
            s.identities().storeLocalIdentity(bytes("identity"));
            s.identities().storePeerTrust("carol@example.net", bytes("trust"));
            s.sessions().store(CAROL_7, bytes("session"));
            s.preKeys().store(PreKeyKind.ONE_TIME, 8, bytes("opk"), T0.plusSeconds(60));
            s.replayCache().addIfAbsent(bytes("seen"), T0.plusSeconds(60));
            s.retainedSecrets().store(CAROL_7, bytes("rs"));
            s.restoreCounter().advanceTo(12);
            return new long[] {s.outboundQueue().enqueue("carol@example.net", bytes("queued")),
                s.messageLog().append(entry)};
        });
        AccountStore reopened = reopen(store);
        store = reopened;
        store.transact(s -> {
            assertArrayEquals(bytes("identity"), s.identities().localIdentity().orElseThrow());
            assertArrayEquals(bytes("trust"), s.identities().peerTrust("carol@example.net").orElseThrow());
            assertArrayEquals(bytes("session"), s.sessions().load(CAROL_7).orElseThrow());
            assertArrayEquals(bytes("opk"), s.preKeys().load(PreKeyKind.ONE_TIME, 8).orElseThrow());
            assertFalse(s.replayCache().addIfAbsent(bytes("seen"), T0.plusSeconds(60)));
            assertArrayEquals(bytes("rs"), s.retainedSecrets().load(CAROL_7).orElseThrow());
            assertEquals(12, s.restoreCounter().value());
            assertEquals(List.of(new QueuedStanza(ids[0], "carol@example.net", bytes("queued"))),
                    s.outboundQueue().pending("carol@example.net"));
            assertEquals(List.of(new MessageLog.Logged(ids[1], entry)), s.messageLog().read(0, 10));
            assertEquals(1, s.preKeys().removeExpired(T0.plusSeconds(61)));
            return null;
        });
        assertSame(reopened, store);
    }

    /**
     * Two threads sending to one peer device and one receiving from it, each doing load, change, store and log as one
     * transaction, with a yield in the middle to invite a race. No update may be lost: the counters in the session
     * record equal the number of operations, and the log shows each counter value exactly once, in commit order.
     */
    @Test
    void twoSendersAndOneReceiverNeverLoseASessionUpdate() throws Exception {
        int perThread = CONCURRENT_OPERATIONS_PER_THREAD;
        store.transact(s -> {
            s.sessions().store(BOB_1, counters(0, 0));
            return null;
        });
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (String role : List.of("sender-a", "sender-b", "receiver")) {
            boolean sending = role.startsWith("sender");
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String stanzaId = role + "-" + i;
                        store.transact(s -> {
                            long[] c = readCounters(s.sessions().load(BOB_1).orElseThrow());
                            Thread.yield();
                            long value = sending ? ++c[0] : ++c[1];
                            s.sessions().store(BOB_1, counters(c[0], c[1]));
                            s.messageLog().append(new LogEntry(sending ? LogEntry.Direction.SENT
                                    : LogEntry.Direction.RECEIVED, BOB_1, stanzaId, T0, bytes(Long.toString(value))));
                            return null;
                        });
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, role);
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), List.copyOf(failures));
        store.transact(s -> {
            long[] c = readCounters(s.sessions().load(BOB_1).orElseThrow());
            assertEquals(2L * perThread, c[0]);
            assertEquals(perThread, c[1]);
            List<MessageLog.Logged> log = s.messageLog().read(0, 10 * perThread);
            assertEquals(3 * perThread, log.size());
            long sent = 0;
            long received = 0;
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (MessageLog.Logged l : log) {
                assertTrue(ids.add(l.entry().stanzaId()), "logged twice: " + l.entry().stanzaId());
                long value = Long.parseLong(new String(l.entry().content(), UTF_8));
                if (l.entry().direction() == LogEntry.Direction.SENT) {
                    assertEquals(++sent, value);
                } else {
                    assertEquals(++received, value);
                }
            }
            return null;
        });
    }

    /** Operations per thread in the concurrency test; a durable store commits (and syncs) each one. */
    protected static final int CONCURRENT_OPERATIONS_PER_THREAD = 100;

    private static byte[] counters(long sent, long received) {
        return java.nio.ByteBuffer.allocate(16).putLong(sent).putLong(received).array();
    }

    private static long[] readCounters(byte[] record) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(record);
        return new long[] {b.getLong(), b.getLong()};
    }
}
