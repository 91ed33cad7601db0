package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.StoreWork;
import im.sotto.xmpp.SottoAccount;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #17: a message to a contact whose session carries content costs the sender one store transaction to decide
 * and seal it (with the durable store, one synced commit), and one more when the server acknowledges the kept copy
 * (XEP-0198); the receiver opens, checks, logs and delivers it in one. Counted on a real Prosody with stream
 * management on, as a user's client runs.
 */
@ExtendWith(XmppServersExtension.class)
class TransactionCountIT {
    /** How long a store must see no transaction to count as quiet (the login's and the session's work done). */
    private static final long QUIET_MS = 700;
    private static final long QUIET_WAIT_MS = 20_000;

    /** The in-memory store, counting its transactions. */
    private static final class CountingStore implements AccountStore {
        private final InMemoryAccountStore store = new InMemoryAccountStore();
        final AtomicInteger transactions = new AtomicInteger();

        @Override
        public <T, E extends Exception> T transact(StoreWork<T, E> work) throws E {
            transactions.incrementAndGet();
            return store.transact(work);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void aMessageUnderAConfirmedSessionTakesOneTransactionEachSideAndOneForTheAcknowledgement(XmppServers servers)
            throws Exception {
        CountingStore aliceStore = new CountingStore();
        CountingStore bobStore = new CountingStore();
        SottoParty alice = new SottoParty(SottoAccount.open(aliceStore, new SecureRandom(), Clock.systemUTC()));
        SottoParty bob = new SottoParty(SottoAccount.open(bobStore, new SecureRandom(), Clock.systemUTC()));
        try (HostileScene scene = new HostileScene(servers.get(ServerKind.PROSODY), alice, bob, true)) {
            // A session both sides hold and bob confirmed: alice writes, bob answers.
            scene.alice.manager.send(scene.secretChat(scene.bobJid(), "first " + scene.suffix)).get(20,
                    TimeUnit.SECONDS);
            assertEquals("first " + scene.suffix, ((Message) scene.bob.next().stanza()).getBody());
            scene.bob.manager.send(scene.secretChat(scene.aliceJid(), "answer " + scene.suffix)).get(20,
                    TimeUnit.SECONDS);
            assertEquals("answer " + scene.suffix, ((Message) scene.alice.next().stanza()).getBody());

            for (int n = 0; n < 3; n++) {
                awaitQuiet(aliceStore);
                awaitQuiet(bobStore);
                int before = aliceStore.transactions.get();
                int bobBefore = bobStore.transactions.get();
                scene.alice.manager.send(scene.secretChat(scene.bobJid(), "counted " + n + " " + scene.suffix))
                        .get(20, TimeUnit.SECONDS);
                int sealing = aliceStore.transactions.get() - before;
                assertEquals("counted " + n + " " + scene.suffix, ((Message) scene.bob.next().stanza()).getBody());
                awaitQuiet(aliceStore);
                int all = aliceStore.transactions.get() - before;
                // The acknowledgement may come before send() returns: what counts is the total and its first part.
                assertEquals(2, all, "message " + n + ": one transaction to seal, one for the server's "
                        + "acknowledgement; events: " + scene.alice.events);
                assertEquals(true, sealing >= 1 && sealing <= 2, "message " + n + ": sealed in " + sealing);
                awaitQuiet(bobStore);
                // Opening, the envelope check, the log and the replay mark of a delivered message: one transaction.
                assertEquals(1, bobStore.transactions.get() - bobBefore, "message " + n + " opened by bob; events: "
                        + scene.bob.events);
            }
            scene.assertNothingSecretOnTheWire();
        }
    }

    /** Waits until {@code store} ran no transaction for {@link #QUIET_MS}. */
    private static void awaitQuiet(CountingStore store) throws InterruptedException {
        long deadline = System.currentTimeMillis() + QUIET_WAIT_MS;
        int last = store.transactions.get();
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            int now = store.transactions.get();
            if (now != last) {
                last = now;
                since = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - since >= QUIET_MS) {
                return;
            }
        }
        throw new AssertionError("the store never went quiet for " + QUIET_MS + " ms");
    }
}
