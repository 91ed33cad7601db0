package im.sotto.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.StoreFailureException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passphrase and key-file protection, and every way opening can fail, each a typed error. */
class KeyProtectionTest {
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("account.db");
    }

    private Path key() {
        return dir.resolve("account.key");
    }

    @Test
    void aPassphraseStoreOpensWithItsPassphraseAndRefusesAnother() throws Exception {
        try (AccountStore store = SqliteAccountStore.create(db(), Protection.passphrase(PASSPHRASE))) {
            store.transact(s -> {
                s.identities().storeLocalIdentity(bytes("identity"));
                return null;
            });
        }
        long start = System.nanoTime();
        try (AccountStore store = SqliteAccountStore.open(db(), Protection.passphrase(PASSPHRASE))) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("open with passphrase (Argon2id " + Argon2idParameters.RECOMMENDED + "): " + millis
                    + " ms");
            assertArrayEquals(bytes("identity"), store.transact(s -> s.identities().localIdentity().orElseThrow()));
        }
        StoreOpenException wrong = assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.passphrase("correct horse battery stapler".toCharArray())));
        assertEquals(StoreOpenException.Kind.WRONG_PASSPHRASE, wrong.kind());
        assertEquals("wrong passphrase", wrong.getMessage());
        assertEquals(StoreOpenException.Kind.PROTECTION_MISMATCH, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(key()))).kind());
    }

    @Test
    void weakenedArgon2ParametersInTheFileAreRefusedNotUsed() throws Exception {
        SqliteAccountStore.create(db(), Protection.passphrase(PASSPHRASE)).close();
        execute("UPDATE key_wrap SET iterations = 2");
        assertEquals(StoreOpenException.Kind.WRONG_PASSPHRASE, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.passphrase(PASSPHRASE))).kind(),
                "parameters are bound to the wrapped key");
        execute("UPDATE key_wrap SET iterations = 1");
        assertEquals(StoreOpenException.Kind.CORRUPT, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.passphrase(PASSPHRASE))).kind(),
                "parameters below the floor are refused before any work");
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyAndRefusedWhenOthersCanReadIt() throws Exception {
        SqliteAccountStore.create(db(), Protection.keyFile(key())).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key())));
        try (Stream<Path> leftovers = Files.list(dir)) {
            assertEquals(0, leftovers.filter(p -> p.getFileName().toString().contains(".tmp-")).count());
        }
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-r--r--"));
        StoreOpenException open = assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(key())));
        assertEquals(StoreOpenException.Kind.KEY_FILE_INVALID, open.kind());
        assertTrue(open.getMessage().contains("chmod 600"), open.getMessage());
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-------"));
        SqliteAccountStore.open(db(), Protection.keyFile(key())).close();
    }

    @Test
    void anotherStoresKeyFileAMissingOneAndADamagedOneAreTypedErrors() throws Exception {
        SqliteAccountStore.create(db(), Protection.keyFile(key())).close();
        Path otherDb = dir.resolve("other.db");
        Path otherKey = dir.resolve("other.key");
        SqliteAccountStore.create(otherDb, Protection.keyFile(otherKey)).close();
        assertEquals(StoreOpenException.Kind.WRONG_KEY_FILE, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(otherKey))).kind());
        assertEquals(StoreOpenException.Kind.KEY_FILE_INVALID, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(dir.resolve("missing.key")))).kind());
        byte[] content = Files.readAllBytes(key());
        Files.write(key(), java.util.Arrays.copyOf(content, content.length - 1));
        assertEquals(StoreOpenException.Kind.KEY_FILE_INVALID, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(key()))).kind());
        content[0] = 'X';
        Files.write(key(), content);
        assertEquals(StoreOpenException.Kind.KEY_FILE_INVALID, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(key()))).kind());
    }

    @Test
    void creatingNeverOverwritesAndOpeningNeverCreates() throws Exception {
        assertThrows(NoSuchFileException.class, () -> SqliteAccountStore.open(db(), Protection.keyFile(key())));
        assertTrue(Files.notExists(db()));
        SqliteAccountStore.create(db(), Protection.keyFile(key())).close();
        assertThrows(FileAlreadyExistsException.class, () -> SqliteAccountStore.create(db(),
                Protection.keyFile(dir.resolve("new.key"))));
        assertThrows(FileAlreadyExistsException.class, () -> SqliteAccountStore.create(dir.resolve("new.db"),
                Protection.keyFile(key())));
        assertThrows(IllegalArgumentException.class, () -> Protection.passphrase(new char[0]));
    }

    @Test
    void aFileThatIsNotAStoreOrIsFromANewerVersionIsRefused() throws Exception {
        Files.write(db(), "not a database at all, just some text that is long enough".getBytes(StandardCharsets.UTF_8));
        assertEquals(StoreOpenException.Kind.NOT_A_STORE, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(key()))).kind());
        Files.delete(db());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE unrelated (x INTEGER)");
        }
        assertEquals(StoreOpenException.Kind.NOT_A_STORE, assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(key()))).kind());
        Files.delete(db());
        SqliteAccountStore.create(db(), Protection.keyFile(key())).close();
        execute("UPDATE schema_version SET version = 99");
        StoreOpenException newer = assertThrows(StoreOpenException.class,
                () -> SqliteAccountStore.open(db(), Protection.keyFile(key())));
        assertEquals(StoreOpenException.Kind.NEWER_SCHEMA, newer.kind());
    }

    @Test
    void aValueMovedToAnotherRowFailsItsIntegrityCheck() throws Exception {
        SessionAddress one = new SessionAddress("bob@example.org", 1);
        SessionAddress two = new SessionAddress("bob@example.org", 2);
        try (AccountStore store = SqliteAccountStore.create(db(), Protection.keyFile(key()))) {
            store.transact(s -> {
                s.sessions().store(one, bytes("session one"));
                s.sessions().store(two, bytes("session two"));
                return null;
            });
        }
        execute("UPDATE sessions SET record = (SELECT record FROM sessions ORDER BY address_index LIMIT 1) "
                + "WHERE address_index = (SELECT address_index FROM sessions ORDER BY address_index DESC LIMIT 1)");
        try (AccountStore store = SqliteAccountStore.open(db(), Protection.keyFile(key()))) {
            StoreFailureException moved = assertThrows(StoreFailureException.class, () -> store.transact(s -> {
                s.sessions().load(one);
                s.sessions().load(two);
                return null;
            }));
            assertTrue(moved.getMessage().contains("integrity"), moved.getMessage());
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
