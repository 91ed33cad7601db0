package im.sotto.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.PreKeyKind;
import im.sotto.protocol.store.SessionAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file alone reveals no secret: after a store holds known private keys, a real ratchet session, retained
 * secrets, a queued stanza and logged plaintexts, every value of every column of every table (read with plain
 * JDBC), and every byte of the files on disk, are searched for each of them, and for the peer address. None is
 * found; a control search for text the file holds in the clear (its schema) shows the search works.
 */
class EncryptionAtRestTest {
    /** Any 12-byte window of a secret counts as found: enough to rule out chance matches, short enough to catch a
     * partly exposed record. */
    private static final int WINDOW = 12;

    @TempDir
    Path dir;

    @Test
    void noSecretAndNoPeerAddressIsReadableFromTheFile() throws Exception {
        Path db = dir.resolve("account.db");
        SecureRandom random = new SecureRandom();
        AccountIdentity account = AccountIdentity.generate(random);
        X25519KeyPair deviceKey = X25519KeyPair.generate(random);
        X25519KeyPair bobKey = X25519KeyPair.generate(random);
        SecretBytes root = SecretBytes.copyOf(bytes(random));
        byte[] session = RatchetSession.initiator(CipherSuite.X25519_AESGCM_SHA256, root, bobKey.publicKey(),
                SecretBytes.copyOf(bytes(random)), SecretBytes.copyOf(bytes(random)), random, Clock.systemUTC())
                .toRecord();
        byte[] retainedSecret = bytes(random);
        String peer = "bob.secretcontact@example.org";
        SessionAddress bob = new SessionAddress(peer, 77);

        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("account seed", account.seed().reveal());
        secrets.put("device private key", deviceKey.privateKey().reveal());
        secrets.put("root key", root.reveal());
        secrets.put("session record", session);
        secrets.put("retained secret", retainedSecret);
        secrets.put("sent plaintext", "meet me at the old mill at nine".getBytes(UTF_8));
        secrets.put("received plaintext", "bring the second key, not the first".getBytes(UTF_8));
        secrets.put("queued stanza", "<message><body>queued while offline</body></message>".getBytes(UTF_8));
        secrets.put("peer address", peer.getBytes(UTF_8));
        secrets.put("stanza id", "stanza-id-0123456789".getBytes(UTF_8));
        secrets.put("contact's presence", "available (phone-0123)".getBytes(UTF_8));
        secrets.put("conversation line", "the line the chat shows again".getBytes(UTF_8));
        secrets.put("conversation message id", "chat-id-9876543210".getBytes(UTF_8));

        try (AccountStore store = SqliteAccountStore.create(db, Protection.keyFile(dir.resolve("account.key")))) {
            store.transact(s -> {
                s.identities().storeLocalIdentity(concat(secrets.get("account seed"), secrets.get("device private key")));
                s.identities().storePeerTrust(peer, "verified".getBytes(UTF_8));
                s.sessions().store(bob, session);
                s.preKeys().store(PreKeyKind.ONE_TIME, 0x5A5A5A5A5A5AL, deviceKey.privateKey().reveal(),
                        Instant.now());
                s.retainedSecrets().store(bob, retainedSecret);
                s.outboundQueue().enqueue(peer, secrets.get("queued stanza"));
                s.messageLog().append(new LogEntry(LogEntry.Direction.SENT, bob, "stanza-id-0123456789",
                        Instant.now(), secrets.get("sent plaintext")));
                s.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, bob, "r-1", Instant.now(),
                        secrets.get("received plaintext")));
                s.replayCache().addIfAbsent(secrets.get("root key"), Instant.now());
                s.contacts().store(peer, secrets.get("contact's presence"));
                s.conversations().append(peer, "chat-id-9876543210", secrets.get("conversation line"));
                return null;
            });
            List<byte[]> columns = everyColumnValue(db);
            assertTrue(columns.size() > 20, "the scan must see the rows: " + columns.size());
            assertEquals(List.of(), found(secrets, columns), "found while the store is open (write-ahead log)");
            assertEquals(List.of(), found(secrets, filesBeside(db)), "found in the files while open");
        }
        List<byte[]> columns = everyColumnValue(db);
        assertEquals(List.of(), found(secrets, columns), "found in a column");
        assertEquals(List.of(), found(secrets, filesBeside(db)), "found in the raw files");
        assertEquals(List.of("control"), found(Map.of("control", "CREATE TABLE message_log".getBytes(UTF_8)),
                filesBeside(db)), "control: text the file holds in the clear (the schema) is found");
    }

    /** Every non-null value of every column of every table, as bytes (text as UTF-8, numbers as 8 bytes). */
    static List<byte[]> everyColumnValue(Path db) throws Exception {
        List<byte[]> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet r = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    ResultSetMetaData meta = r.getMetaData();
                    while (r.next()) {
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object v = r.getObject(i);
                            if (v instanceof byte[] b) {
                                values.add(b);
                            } else if (v instanceof Number n) {
                                values.add(ByteBuffer.allocate(8).putLong(n.longValue()).array());
                            } else if (v != null) {
                                values.add(v.toString().getBytes(UTF_8));
                            }
                        }
                    }
                }
            }
        }
        return values;
    }

    static List<byte[]> filesBeside(Path db) throws Exception {
        List<byte[]> contents = new ArrayList<>();
        try (Stream<Path> files = Files.list(db.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("account.db")).toList()) {
                contents.add(Files.readAllBytes(f));
            }
        }
        return contents;
    }

    /** Names of the secrets of which some {@value #WINDOW}-byte window occurs in a haystack. */
    static List<String> found(Map<String, byte[]> secrets, List<byte[]> haystacks) {
        Set<ByteBuffer> windows = new HashSet<>();
        for (byte[] h : haystacks) {
            for (int at = 0; at + WINDOW <= h.length; at++) {
                windows.add(ByteBuffer.wrap(h, at, WINDOW).slice());
            }
        }
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            byte[] s = secret.getValue();
            if (s.length < WINDOW) {
                throw new IllegalArgumentException("secret shorter than the search window: " + secret.getKey());
            }
            int searchable = 0;
            for (int at = 0; at + WINDOW <= s.length; at++) {
                if (distinctBytes(s, at) < MIN_DISTINCT) {
                    continue;
                }
                searchable++;
                if (windows.contains(ByteBuffer.wrap(s, at, WINDOW).slice())) {
                    found.add(secret.getKey());
                    break;
                }
            }
            if (searchable == 0) {
                throw new IllegalArgumentException("nothing of " + secret.getKey() + " can be searched for");
            }
        }
        return found;
    }

    /**
     * A structured record (a session) holds runs of zeros and small counters that any file contains; only windows
     * with at least {@value #MIN_DISTINCT} distinct bytes are searched. Twelve random bytes have fewer with
     * probability below 10^-4; every key and text searched here has such windows at nearly every offset.
     */
    private static final int MIN_DISTINCT = 8;

    private static int distinctBytes(byte[] b, int at) {
        java.util.BitSet seen = new java.util.BitSet(256);
        for (int i = at; i < at + WINDOW; i++) {
            seen.set(b[i] & 0xff);
        }
        return seen.cardinality();
    }

    private static byte[] bytes(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
