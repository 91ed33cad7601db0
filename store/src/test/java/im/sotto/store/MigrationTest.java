package im.sotto.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.RestoreGuard;
import im.sotto.protocol.store.SessionAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file written with the first schema (schema/v1.sql) opens, migrates forward, and keeps everything it held. */
class MigrationTest {
    @TempDir
    Path dir;

    @Test
    void aVersionOneFileIsMigratedToTheCurrentSchemaKeepingItsData() throws Exception {
        Path db = dir.resolve("account.db");
        Protection protection = Protection.keyFile(dir.resolve("account.key"));
        SessionAddress bob = new SessionAddress("bob@example.org", 3);
        LogEntry entry = new LogEntry(LogEntry.Direction.RECEIVED, bob, "m-1", Instant.ofEpochMilli(1_700_000_000_000L),
                bytes("written under schema 1"));
        try (AccountStore v1 = SqliteAccountStore.create(db, protection, new SecureRandom(), 1)) {
            v1.transact(s -> {
                s.identities().storeLocalIdentity(bytes("identity"));
                s.sessions().store(bob, bytes("session"));
                s.messageLog().append(entry);
                return null;
            });
        }
        assertEquals(1, schemaVersion(db));
        assertFalse(hasTable(db, "restore_counter"), "a version-1 file has no restore counter");

        try (AccountStore current = SqliteAccountStore.open(db, protection)) {
            assertEquals(Schema.CURRENT_VERSION, schemaVersion(db));
            current.transact(s -> {
                assertArrayEquals(bytes("identity"), s.identities().localIdentity().orElseThrow());
                assertArrayEquals(bytes("session"), s.sessions().load(bob).orElseThrow());
                assertEquals(entry, s.messageLog().read(0, 10).get(0).entry());
                assertEquals(0, s.restoreCounter().value());
                assertEquals(1, RestoreGuard.advance(s));
                return null;
            });
        }
        assertTrue(hasTable(db, "restore_counter"));
        SqliteAccountStore.open(db, protection).close(); // opening a current file migrates nothing
        assertEquals(Schema.CURRENT_VERSION, schemaVersion(db));
    }

    @Test
    void aVersionFourFileGainsTheContactsAndConversationTablesKeepingItsData() throws Exception {
        Path db = dir.resolve("account.db");
        Protection protection = Protection.keyFile(dir.resolve("account.key"));
        SessionAddress bob = new SessionAddress("bob@example.org", 3);
        try (AccountStore v4 = SqliteAccountStore.create(db, protection, new SecureRandom(), 4)) {
            v4.transact(s -> {
                s.sessions().store(bob, bytes("session"));
                s.omemo().device().storeLocalDevice(bytes("omemo device"));
                return null;
            });
        }
        assertEquals(4, schemaVersion(db));
        assertFalse(hasTable(db, "contacts"), "a version-4 file has no contacts table");

        try (AccountStore current = SqliteAccountStore.open(db, protection)) {
            assertEquals(Schema.CURRENT_VERSION, schemaVersion(db));
            current.transact(s -> {
                assertArrayEquals(bytes("session"), s.sessions().load(bob).orElseThrow());
                assertArrayEquals(bytes("omemo device"), s.omemo().device().localDevice().orElseThrow());
                assertEquals(java.util.List.of(), s.contacts().peers());
                s.contacts().store("bob@example.org", bytes("subscription both"));
                s.conversations().append("bob@example.org", "m-1", bytes("hello"));
                return null;
            });
        }
        assertTrue(hasTable(db, "contacts"));
        assertTrue(hasTable(db, "conversation_log"));
        try (AccountStore again = SqliteAccountStore.open(db, protection)) {
            assertEquals(java.util.List.of("bob@example.org"), again.transact(s -> s.contacts().peers()));
        }
    }

    @Test
    void aVersionFiveFileGainsThePeerDevicesTableKeepingItsData() throws Exception {
        Path db = dir.resolve("account.db");
        Protection protection = Protection.keyFile(dir.resolve("account.key"));
        try (AccountStore v5 = SqliteAccountStore.create(db, protection, new SecureRandom(), 5)) {
            v5.transact(s -> {
                s.contacts().store("bob@example.org", bytes("subscription both"));
                return null;
            });
        }
        assertFalse(hasTable(db, "peer_devices"), "a version-5 file has no peer_devices table");
        try (AccountStore current = SqliteAccountStore.open(db, protection)) {
            assertEquals(Schema.CURRENT_VERSION, schemaVersion(db));
            current.transact(s -> {
                assertEquals(java.util.List.of("bob@example.org"), s.contacts().peers());
                assertTrue(s.peerDevices().load("bob@example.org").isEmpty());
                s.peerDevices().store("bob@example.org", bytes("revoked 7"));
                return null;
            });
        }
        try (AccountStore again = SqliteAccountStore.open(db, protection)) {
            assertArrayEquals(bytes("revoked 7"), again.transact(s -> s.peerDevices().load("bob@example.org"))
                    .orElseThrow());
        }
    }

    @Test
    void aVersionSixFileGainsOmemo2TablesApartFromOmemo03() throws Exception {
        Path db = dir.resolve("account.db");
        Protection protection = Protection.keyFile(dir.resolve("account.key"));
        SessionAddress bob = new SessionAddress("bob@example.org", 7);
        try (AccountStore v6 = SqliteAccountStore.create(db, protection, new SecureRandom(), 6)) {
            v6.transact(s -> {
                s.omemo().sessions().store(bob, bytes("omemo 0.3 session"));
                return null;
            });
        }
        assertFalse(hasTable(db, "omemo2_sessions"), "a version-6 file has no OMEMO 2 tables");

        try (AccountStore current = SqliteAccountStore.open(db, protection)) {
            assertEquals(7, schemaVersion(db));
            current.transact(s -> {
                // Same device id, two versions: each keeps its own session.
                assertTrue(s.omemo2().sessions().load(bob).isEmpty());
                s.omemo2().sessions().store(bob, bytes("omemo 2 session"));
                s.omemo2().device().storeLocalDevice(bytes("omemo 2 device"));
                return null;
            });
            current.transact(s -> {
                assertArrayEquals(bytes("omemo 0.3 session"), s.omemo().sessions().load(bob).orElseThrow());
                assertArrayEquals(bytes("omemo 2 session"), s.omemo2().sessions().load(bob).orElseThrow());
                assertTrue(s.omemo().device().localDevice().isEmpty());
                return null;
            });
        }
        assertTrue(hasTable(db, "omemo2_identities"));
    }

    private static int schemaVersion(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version FROM schema_version")) {
            return r.getInt(1);
        }
    }

    private static boolean hasTable(Path db, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '"
                        + table + "'")) {
            return r.getInt(1) == 1;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
