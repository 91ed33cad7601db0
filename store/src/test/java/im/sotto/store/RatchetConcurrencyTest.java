package im.sotto.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.MessageLog;
import im.sotto.protocol.store.SessionAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two threads sending to Bob and one receiving from him, all on Alice's one session record in a SQLite store, each
 * operation one transaction. A lost update would reuse a message key: Bob would see a duplicate or fail to decrypt.
 * Bob decrypts every message of both senders, and Alice every one of Bob's, each logged once.
 */
class RatchetConcurrencyTest {
    private static final int PER_SENDER = 60;
    private static final int FROM_BOB = 60;
    private static final SessionAddress BOB = new SessionAddress("bob@example.org", 2);
    private static final byte[] AD = "alice|bob".getBytes(UTF_8);

    @TempDir
    Path dir;

    @Test
    void twoSendersAndOneReceiverOnOneSessionLoseNoUpdate() throws Exception {
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        X25519KeyPair bobKey = X25519KeyPair.generate(random);
        SecretBytes root = secret(random);
        SecretBytes hka = secret(random);
        SecretBytes nhkb = secret(random);
        RatchetSession alice = RatchetSession.initiator(CipherSuite.X25519_AESGCM_SHA256, root, bobKey.publicKey(),
                hka, nhkb, random, clock);
        RatchetSession bob = RatchetSession.responder(CipherSuite.X25519_AESGCM_SHA256, root, bobKey, nhkb, hka,
                random, clock);
        assertInstanceOf(DecryptResult.Decrypted.class, bob.decrypt(alice.encrypt(new byte[0], AD), AD));
        List<byte[]> fromBob = new ArrayList<>();
        for (int i = 0; i < FROM_BOB; i++) {
            fromBob.add(bob.encrypt(("bob-" + i).getBytes(UTF_8), AD));
        }
        byte[] aliceRecord = alice.toRecord();

        ConcurrentLinkedQueue<byte[]> toBob = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (AccountStore store = SqliteAccountStore.create(dir.resolve("alice.db"),
                Protection.keyFile(dir.resolve("alice.key")))) {
            store.transact(s -> {
                s.sessions().store(BOB, aliceRecord);
                return null;
            });
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (String sender : List.of("a", "b")) {
                threads.add(new Thread(() -> run(start, failures, () -> {
                    for (int i = 0; i < PER_SENDER; i++) {
                        String id = sender + "-" + i;
                        toBob.add(store.transact(s -> {
                            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(BOB).orElseThrow(),
                                    random, clock);
                            byte[] message = session.encrypt(id.getBytes(UTF_8), AD);
                            s.sessions().store(BOB, session.toRecord());
                            s.messageLog().append(new LogEntry(LogEntry.Direction.SENT, BOB, id, clock.instant(),
                                    id.getBytes(UTF_8)));
                            return message;
                        }));
                    }
                })));
            }
            threads.add(new Thread(() -> run(start, failures, () -> {
                for (byte[] message : fromBob) {
                    DecryptResult result = store.transact(s -> {
                        RatchetSession session = RatchetSession.fromRecord(s.sessions().load(BOB).orElseThrow(),
                                random, clock);
                        DecryptResult r = session.decrypt(message, AD);
                        if (r instanceof DecryptResult.Decrypted d) {
                            s.sessions().store(BOB, session.toRecord());
                            String text = new String(d.plaintext(), UTF_8);
                            s.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, BOB, text,
                                    clock.instant(), d.plaintext()));
                        }
                        return r;
                    });
                    assertInstanceOf(DecryptResult.Decrypted.class, result);
                }
            })));
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), List.copyOf(failures));

            Set<String> decryptedByBob = new HashSet<>();
            for (byte[] message : toBob) {
                DecryptResult r = bob.decrypt(message, AD);
                DecryptResult.Decrypted d = assertInstanceOf(DecryptResult.Decrypted.class, r, () -> "got " + r);
                decryptedByBob.add(new String(d.plaintext(), UTF_8));
            }
            assertEquals(2 * PER_SENDER, decryptedByBob.size());
            List<MessageLog.Logged> log = store.transact(s -> s.messageLog().read(0, 10_000));
            Set<String> logged = new HashSet<>();
            log.forEach(l -> logged.add(l.entry().direction() + " " + l.entry().stanzaId()));
            assertEquals(2 * PER_SENDER + FROM_BOB, log.size());
            assertEquals(log.size(), logged.size(), "an entry was logged twice");
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void run(CountDownLatch start, ConcurrentLinkedQueue<Throwable> failures, Body body) {
        try {
            start.await();
            body.run();
        } catch (Throwable e) {
            failures.add(e);
        }
    }

    private static SecretBytes secret(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SecretBytes.copyOf(b);
    }
}
