package im.sotto.bench.sidebyside;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.DeterministicNonceAead;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.offline.PreKeyBundle;
import im.sotto.protocol.offline.PreKeyPolicy;
import im.sotto.protocol.offline.PreKeyVault;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.InMemoryAccountStore;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Where Sotto's time goes beyond its primitive floor: the pieces of one operation that are not cryptography the
 * protocol needs (record and vault parsing and writing, the store's transaction), each timed alone, for the
 * explanations in docs/performance.md. Average time per operation, in microseconds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class SottoCostBenchmark {
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private byte[] sessionRecord;
    private RatchetSession session;
    private byte[] vaultRecord;
    private byte[] hybridVaultRecord;
    private PreKeyVault vault;
    private byte[] bundle;
    private final AccountStore store = new InMemoryAccountStore();
    private final byte[] scalar = new byte[X25519.SCALAR_SIZE];
    private final byte[] point = new byte[X25519.POINT_SIZE];

    private final SecretBytes key = SecretBytes.copyOf(new byte[32]);
    private final byte[] message = new byte[200];
    private final byte[] nonce = new byte[12];
    private Mac mac;
    private Cipher gcm;
    private final SecretKeySpec macKey = new SecretKeySpec(new byte[32], "HmacSHA256");
    private final SecretKeySpec aesKey = new SecretKeySpec(new byte[32], "AES");
    private long counter;

    @Setup
    public void setUp() throws Exception {
        mac = Mac.getInstance("HmacSHA256", "SunJCE");
        gcm = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        SottoParties p = new SottoParties(CipherSuite.X25519_AESGCM_SHA256, false);
        p.establish();
        sessionRecord = p.aliceStore.transact(s -> s.sessions().load(SottoParties.BOB).orElseThrow());
        session = RatchetSession.fromRecord(sessionRecord, random, clock);
        store.transact(s -> {
            s.sessions().store(SottoParties.BOB, sessionRecord);
            return null;
        });
        vault = PreKeyVault.create(p.bobAccount, Set.of(CipherSuite.X25519_AESGCM_SHA256), PreKeyPolicy.defaults(),
                random, clock.instant());
        vaultRecord = vault.toRecord();
        bundle = vault.bundle().encode();
        hybridVaultRecord = PreKeyVault.create(p.bobAccount, Set.of(CipherSuite.X25519MLKEM768_AESGCM_SHA256),
                PreKeyPolicy.defaults(), random, clock.instant()).toRecord();
        random.nextBytes(scalar);
    }

    /** HMAC-SHA256 of 32 bytes as the core computes it: a new JCA engine looked up and keyed per call. */
    @Benchmark
    public byte[] hmacAsTheCoreDoes() {
        return HashAlgorithm.SHA256.hmac(key, point);
    }

    /** The same on an engine made once (the floor's way). */
    @Benchmark
    public byte[] hmacOnOneEngine() throws Exception {
        mac.init(macKey);
        return mac.doFinal(point);
    }

    /**
     * AES-256-GCM seal of 200 bytes as the core does it: a new JCA engine looked up and keyed per call, under a
     * counter nonce as Noise's CipherState keeps one.
     */
    @Benchmark
    public byte[] sealAsTheCoreDoes() {
        ByteBuffer.wrap(nonce).putLong(4, ++counter);
        return new DeterministicNonceAead(AeadAlgorithm.AES_256_GCM, key).sealWithProtocolNonce(nonce, new byte[0],
                message);
    }

    /** The same on an engine made once. */
    @Benchmark
    public byte[] sealOnOneEngine() throws Exception {
        ByteBuffer.wrap(nonce).putLong(4, ++counter);
        gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
        return gcm.doFinal(message);
    }

    /** Parsing a session record (as every operation does once per side). */
    @Benchmark
    public RatchetSession sessionFromRecord() throws Exception {
        return RatchetSession.fromRecord(sessionRecord, random, clock);
    }

    /** Writing a session record. */
    @Benchmark
    public byte[] sessionToRecord() {
        return session.toRecord();
    }

    /** The X25519 public key computed from the stored private ratchet key, which record parsing does. */
    @Benchmark
    public byte[] x25519PublicFromPrivate() {
        X25519.scalarMultBase(scalar, 0, point, 0);
        return point;
    }

    /** One in-memory store transaction that loads and stores a session record. */
    @Benchmark
    public byte[] storeTransaction() {
        return store.transact(s -> {
            byte[] r = s.sessions().load(SottoParties.BOB).orElseThrow();
            s.sessions().store(SottoParties.BOB, r);
            return r;
        });
    }

    /** Parsing a prekey vault with 100 one-time prekeys (once per received first message). */
    @Benchmark
    public PreKeyVault vaultFromRecord() throws Exception {
        return PreKeyVault.fromRecord(vaultRecord);
    }

    /** The same with an ML-KEM-768 prekey in it. */
    @Benchmark
    public PreKeyVault hybridVaultFromRecord() throws Exception {
        return PreKeyVault.fromRecord(hybridVaultRecord);
    }

    /** Parsing a published bundle with 100 one-time prekeys (once per sent first message). */
    @Benchmark
    public PreKeyBundle bundleParse() throws Exception {
        return PreKeyBundle.parse(bundle);
    }

    /** Writing the vault back (once per received first message). */
    @Benchmark
    public byte[] vaultToRecord() {
        return vault.toRecord();
    }
}
