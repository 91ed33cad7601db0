package im.sotto.store.crash;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.MessageLog;
import im.sotto.store.ChildJvm;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-party conversation on the real Double Ratchet and two SQLite stores, in a child JVM killed with SIGKILL at
 * random points, {@value #KILLS} times. After every kill, before the next restart, it checks:
 *
 * <ul>
 *   <li>no AEAD (key, nonce) pair ever encrypted two ciphertexts that left the process, and none was used again
 *       after its ciphertext left (the child records every pair it encrypts with, over all runs; see
 *       {@link AeadPairLog#check} for the one re-use it tolerates: a ciphertext that died with the process before its
 *       state was committed);
 *   <li>every message on the network is in its sender's log (state committed before the ciphertext left);
 *   <li>every message whose delivery was acknowledged is in the receiver's log, and no message is in a log twice
 *       (decrypted state and log entry committed together; a redelivered message is a duplicate, not a second copy);
 *   <li>both stores open.
 * </ul>
 *
 * Then a last run that is not killed exchanges more messages both ways and drains the network: the sessions go on.
 */
class CrashTest {
    static final int KILLS = 50;
    private static final int FINISHING_ROUNDS = 10;

    @TempDir
    Path dir;

    @Test
    void killedAtRandomPointsTheConversationNeverReusesAKeyNorLosesOrDuplicatesAMessage() throws Exception {
        startSessions();
        long seed = new SecureRandom().nextLong();
        Random random = new Random(seed);
        Path stderr = dir.resolve("child-stderr.txt");
        Network network = new Network(dir);
        int killedBeforeReady = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            try (ChildJvm child = ChildJvm.start(CrashConversation.class, stderr, dir.toString())) {
                if (random.nextInt(5) == 0) {
                    killedBeforeReady++;
                    Thread.sleep(random.nextInt(600));
                } else {
                    assertTrue(child.awaitLine("READY"), () -> "child ended before it was ready: " + read(stderr));
                    Thread.sleep(random.nextInt(250));
                }
                if (!child.process().isAlive()) {
                    fail("child ended by itself (exit " + child.process().exitValue() + ", seed " + seed + "): "
                            + read(stderr));
                }
                child.kill();
            }
            checkInvariants(network, false, "after kill " + kill + " (seed " + seed + ")");
        }
        try (ChildJvm child = ChildJvm.start(CrashConversation.class, stderr, dir.toString(),
                Integer.toString(FINISHING_ROUNDS))) {
            assertEquals(0, child.waitFor(90), () -> "finishing run failed: " + read(stderr));
        }
        int[] received = checkInvariants(network, true, "after the finishing run (seed " + seed + ")");
        assertTrue(received[0] >= FINISHING_ROUNDS && received[1] >= FINISHING_ROUNDS);
        AeadPairLog.Findings aead = AeadPairLog.check(dir.resolve("aead-pairs"));
        System.out.printf("crash test: %d kills (%d during start-up), %d and %d messages received, %d AEAD "
                + "encryptions recorded, no (key, nonce) pair used twice (seed %d)%n", KILLS, killedBeforeReady,
                received[0], received[1], aead.encryptions(), seed);
    }

    /**
     * Control: the checker must catch the bug it is there for. A sender that hands its ciphertext to the network
     * before committing, and dies in between, sends a second ciphertext under the same message key after the
     * restart (its state went back), so the same message number goes out twice. The payload's AEAD key and nonce
     * still differ (the fresh header nonce salts them), so the AEAD log stays clean and the network check is the one
     * that must fire.
     */
    @Test
    void theCheckerCatchesACiphertextSentBeforeItsStateWasCommitted() throws Exception {
        startSessions();
        Path stderr = dir.resolve("child-stderr.txt");
        try (ChildJvm child = ChildJvm.start(CrashConversation.class, stderr, dir.toString(),
                CrashConversation.UNSAFE_SEND_THEN_DIE)) {
            assertEquals(137, child.waitFor(60), () -> read(stderr));
        }
        try (ChildJvm child = ChildJvm.start(CrashConversation.class, stderr, dir.toString(), "1")) {
            assertEquals(0, child.waitFor(60), () -> read(stderr));
        }
        assertEquals(List.of(), AeadPairLog.check(dir.resolve("aead-pairs")).violations());
        AssertionError missing = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> checkDirection(new Network(dir), "alice", "bob", log(Party.ALICE), log(Party.BOB), false, ""));
        assertTrue(missing.getMessage().contains("went out twice"), missing::getMessage);
    }

    /** Alice's and Bob's sessions as a handshake would leave them, stored before the first child starts. */
    private void startSessions() throws Exception {
        SecureRandom r = new SecureRandom();
        SecretBytes root = random32(r);
        SecretBytes hka = random32(r);
        SecretBytes nhkb = random32(r);
        X25519KeyPair bobKey = X25519KeyPair.generate(r);
        Clock clock = Clock.systemUTC();
        CipherSuite suite = CipherSuite.X25519_AESGCM_SHA256;
        byte[] alice = RatchetSession.initiator(suite, root, bobKey.publicKey(), hka, nhkb, r, clock).toRecord();
        byte[] bob = RatchetSession.responder(suite, root, bobKey, nhkb, hka, r, clock).toRecord();
        for (Party p : Party.values()) {
            try (AccountStore store = SqliteAccountStore.create(p.database(dir), Protection.keyFile(p.keyFile(dir)))) {
                byte[] record = p == Party.ALICE ? alice : bob;
                store.transact(s -> {
                    s.sessions().store(p.peerDevice, record);
                    return null;
                });
            }
        }
    }

    /** Checks every invariant; returns how many messages Bob and Alice received. */
    private int[] checkInvariants(Network network, boolean drained, String when) throws Exception {
        AeadPairLog.Findings aead = AeadPairLog.check(dir.resolve("aead-pairs"));
        assertEquals(List.of(), aead.violations(), "AEAD (key, nonce) reused " + when);
        List<LogEntry> aliceLog = log(Party.ALICE);
        List<LogEntry> bobLog = log(Party.BOB);
        int toBob = checkDirection(network, "alice", "bob", aliceLog, bobLog, drained, when);
        int toAlice = checkDirection(network, "bob", "alice", bobLog, aliceLog, drained, when);
        return new int[] {toBob, toAlice};
    }

    private static int checkDirection(Network network, String from, String to, List<LogEntry> senderLog,
            List<LogEntry> receiverLog, boolean drained, String when) throws Exception {
        Set<String> sent = new HashSet<>();
        for (LogEntry e : senderLog) {
            if (e.direction() == LogEntry.Direction.SENT) {
                assertTrue(sent.add(e.stanzaId()), from + " logged " + e.stanzaId() + " as sent twice " + when);
            }
        }
        Set<String> received = new HashSet<>();
        for (LogEntry e : receiverLog) {
            if (e.direction() == LogEntry.Direction.RECEIVED) {
                assertTrue(received.add(e.stanzaId()), to + " logged " + e.stanzaId() + " twice " + when);
                assertEquals(e.stanzaId(), new String(e.content(), UTF_8), "wrong plaintext " + when);
            }
        }
        List<Network.Frame> frames = network.frames(from, to);
        long acknowledged = network.acknowledged(from, to);
        Set<String> onTheWire = new HashSet<>();
        for (Network.Frame f : frames) {
            assertTrue(onTheWire.add(f.stanzaId()), f.stanzaId() + " went out twice: " + from + "'s state went back "
                    + when);
            assertTrue(sent.contains(f.stanzaId()), f.stanzaId() + " left " + from + " without being logged " + when);
            if (f.end() <= acknowledged) {
                assertTrue(received.contains(f.stanzaId()), f.stanzaId() + " was acknowledged but is not in " + to
                        + "'s log " + when);
            }
        }
        assertTrue(onTheWire.containsAll(received), to + " logged a message nobody sent " + when);
        if (drained) {
            long end = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).end();
            assertEquals(end, acknowledged, "messages to " + to + " left undelivered " + when);
        }
        return received.size();
    }

    private List<LogEntry> log(Party p) throws Exception {
        try (AccountStore store = SqliteAccountStore.open(p.database(dir), Protection.keyFile(p.keyFile(dir)))) {
            return store.transact(s -> {
                List<LogEntry> out = new ArrayList<>();
                for (MessageLog.Logged l : s.messageLog().read(0, Integer.MAX_VALUE)) {
                    out.add(l.entry());
                }
                return out;
            });
        }
    }

    private static SecretBytes random32(SecureRandom r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return SecretBytes.copyOf(b);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no output)";
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
