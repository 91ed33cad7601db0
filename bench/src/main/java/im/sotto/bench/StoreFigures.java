package im.sotto.bench;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Figures for docs/performance.md, "Store", that JMH does not give directly: the time of one send and one receive
 * transaction separately (median over a conversation, after warm-up), the time to open a passphrase-protected store
 * (one Argon2id derivation), and the bytes on disk per session. Run: {@code java -cp bench/target/benchmarks.jar
 * im.sotto.bench.StoreFigures}.
 */
public final class StoreFigures {
    private static final int WARMUP = 2_000;
    private static final int MEASURED = 2_000;
    private static final int SESSIONS = 200;

    private StoreFigures() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sotto-store-figures");
        try {
            for (String kind : new String[] {"memory", "sqlite"}) {
                StoreBenchmark b = new StoreBenchmark();
                b.store = kind;
                b.setUp();
                long[] send = new long[MEASURED];
                long[] receive = new long[MEASURED];
                for (int i = 0; i < WARMUP + MEASURED; i++) {
                    long t0 = System.nanoTime();
                    byte[] m = b.send(b.alice(), b.bobAddress());
                    long t1 = System.nanoTime();
                    b.receive(b.bob(), b.aliceAddress(), m);
                    long t2 = System.nanoTime();
                    b.receive(b.alice(), b.bobAddress(), b.send(b.bob(), b.aliceAddress()));
                    if (i >= WARMUP) {
                        send[i - WARMUP] = t1 - t0;
                        receive[i - WARMUP] = t2 - t1;
                    }
                }
                b.tearDown();
                System.out.printf("%s store: send (load, encrypt, store, log, commit) median %.1f us, "
                        + "receive (load, decrypt, store, log, commit) median %.1f us%n", kind, median(send) / 1e3,
                        median(receive) / 1e3);
            }
            passphraseOpen(dir);
            bytesPerSession(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void passphraseOpen(Path dir) throws Exception {
        Path db = dir.resolve("passphrase.db");
        char[] passphrase = "correct horse battery staple".toCharArray();
        SqliteAccountStore.create(db, Protection.passphrase(passphrase)).close();
        long[] times = new long[5];
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            SqliteAccountStore.open(db, Protection.passphrase(passphrase)).close();
            times[i] = System.nanoTime() - t0;
        }
        System.out.printf("open with passphrase (Argon2id 64 MiB, t=3, p=4): median %.0f ms of %d%n",
                median(times) / 1e6, times.length);
    }

    private static void bytesPerSession(Path dir) throws Exception {
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.systemUTC();
        Path db = dir.resolve("sessions.db");
        byte[] record = null;
        long empty;
        try (AccountStore store = SqliteAccountStore.create(db, Protection.keyFile(dir.resolve("sessions.key")))) {
            store.transact(s -> null);
        }
        empty = Files.size(db);
        try (AccountStore store = SqliteAccountStore.open(db, Protection.keyFile(dir.resolve("sessions.key")))) {
            for (int i = 0; i < SESSIONS; i++) {
                X25519KeyPair peerKey = X25519KeyPair.generate(random);
                RatchetSession a = RatchetSession.initiator(CipherSuite.X25519_AESGCM_SHA256, secret(random),
                        peerKey.publicKey(), secret(random), secret(random), random, clock);
                RatchetSession b = RatchetSession.responder(CipherSuite.X25519_AESGCM_SHA256, secret(random), peerKey,
                        secret(random), secret(random), random, clock);
                b.toRecord();
                for (int m = 0; m < 10; m++) {
                    a.encrypt(new byte[200], new byte[0]);
                }
                byte[] r = a.toRecord();
                record = r;
                SessionAddress address = new SessionAddress("contact" + i + "@example.org", i);
                store.transact(s -> {
                    s.sessions().store(address, r);
                    return null;
                });
            }
        }
        long full = Files.size(db);
        System.out.printf("bytes on disk per session: %.0f (file %d -> %d bytes for %d sessions; one session "
                + "record %d bytes, %d as stored)%n", (full - empty) / (double) SESSIONS, empty, full, SESSIONS,
                record.length, record.length + 1 + 12 + 16);
    }

    private static SecretBytes secret(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SecretBytes.copyOf(b);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
