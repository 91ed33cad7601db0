package im.sotto.bench;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One message as the binding sends and receives it: one transaction that loads the session record, runs the Double
 * Ratchet on a 200-byte payload, stores the new record and logs the stanza. Each store kind in the same run:
 * {@code memory} (the core's in-memory store) and {@code sqlite} (durable: every commit is synced to disk).
 * {@link StoreFigures} times encryptions and decryptions separately and measures the bytes on disk per session.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class StoreBenchmark {
    private static final SessionAddress BOB = new SessionAddress("bob@example.org", 2);
    private static final SessionAddress ALICE = new SessionAddress("alice@example.org", 1);
    private static final byte[] AD = "alice|bob".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD = new byte[200];

    @Param({"memory", "sqlite"})
    public String store;

    private Path dir;
    private AccountStore alice;
    private AccountStore bob;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        X25519KeyPair bobKey = X25519KeyPair.generate(random);
        SecretBytes root = secret();
        SecretBytes hka = secret();
        SecretBytes nhkb = secret();
        RatchetSession a = RatchetSession.initiator(CipherSuite.X25519_AESGCM_SHA256, root, bobKey.publicKey(), hka,
                nhkb, random, clock);
        RatchetSession b = RatchetSession.responder(CipherSuite.X25519_AESGCM_SHA256, root, bobKey, nhkb, hka,
                random, clock);
        if (store.equals("sqlite")) {
            dir = Files.createTempDirectory("sotto-store-bench");
            alice = SqliteAccountStore.create(dir.resolve("alice.db"), Protection.keyFile(dir.resolve("alice.key")));
            bob = SqliteAccountStore.create(dir.resolve("bob.db"), Protection.keyFile(dir.resolve("bob.key")));
        } else {
            alice = new InMemoryAccountStore();
            bob = new InMemoryAccountStore();
        }
        alice.transact(s -> {
            s.sessions().store(BOB, a.toRecord());
            return null;
        });
        bob.transact(s -> {
            s.sessions().store(ALICE, b.toRecord());
            return null;
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        alice.close();
        bob.close();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * Alice sends to Bob, Bob receives, Bob replies, Alice receives: two encryptions and two decryptions, four
     * transactions. Replies keep both sides' acknowledgements moving, so the records stay at their steady size.
     */
    @Benchmark
    public DecryptResult roundTrip() throws RatchetRecordException {
        receive(bob, ALICE, send(alice, BOB));
        return receive(alice, BOB, send(bob, ALICE));
    }

    /** One send transaction: load, encrypt, store, log. */
    byte[] send(AccountStore from, SessionAddress to) throws RatchetRecordException {
        return from.transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(to).orElseThrow(), random, clock);
            byte[] message = session.encrypt(PAYLOAD, AD);
            s.sessions().store(to, session.toRecord());
            s.messageLog().append(new LogEntry(LogEntry.Direction.SENT, to, "s", clock.instant(), PAYLOAD));
            return message;
        });
    }

    /** One receive transaction: load, decrypt, store together with the log entry. */
    DecryptResult receive(AccountStore at, SessionAddress from, byte[] message) throws RatchetRecordException {
        return at.transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(from).orElseThrow(), random, clock);
            DecryptResult r = session.decrypt(message, AD);
            if (!(r instanceof DecryptResult.Decrypted d)) {
                throw new IllegalStateException("benchmark message did not decrypt: " + r);
            }
            s.sessions().store(from, session.toRecord());
            s.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, from, "r", clock.instant(), d.plaintext()));
            return r;
        });
    }

    AccountStore alice() {
        return alice;
    }

    AccountStore bob() {
        return bob;
    }

    SessionAddress bobAddress() {
        return BOB;
    }

    SessionAddress aliceAddress() {
        return ALICE;
    }

    private SecretBytes secret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SecretBytes.copyOf(b);
    }
}
