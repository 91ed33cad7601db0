package im.sotto.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.StoreFailureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing store says what kind of failure it met, so that the command line can say "store damaged" or "disk full"
 * with what to do, instead of an AEAD error or "not a store": a record altered in the file is DAMAGED; a write on
 * a full file system is DISK_FULL (on a real, tiny tmpfs) and keeps nothing.
 */
class StoreFailureKindsTest {
    @TempDir
    Path dir;

    @Test
    void aRecordAlteredInTheFileIsDamaged() throws Exception {
        Path db = dir.resolve("account.db");
        Protection protection = Protection.keyFile(dir.resolve("account.key"));
        try (AccountStore store = SqliteAccountStore.create(db, protection)) {
            store.transact(s -> {
                s.identities().storePeerTrust("bob@example.org", "verified".getBytes(UTF_8));
                return null;
            });
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            byte[] record;
            try (ResultSet r = s.executeQuery("SELECT record FROM peer_trust")) {
                assertTrue(r.next());
                record = r.getBytes(1);
            }
            record[20] ^= 1; // one bit of the sealed record flipped, as a failing disk or a meddler would
            try (PreparedStatement update = c.prepareStatement("UPDATE peer_trust SET record = ?")) {
                update.setBytes(1, record);
                assertEquals(1, update.executeUpdate());
            }
        }
        try (AccountStore store = SqliteAccountStore.open(db, Protection.keyFile(dir.resolve("account.key")))) {
            StoreFailureException e = assertThrows(StoreFailureException.class, () -> store.transact(
                    s -> s.identities().peerTrust("bob@example.org")));
            assertEquals(StoreFailureException.Kind.DAMAGED, e.kind(), e.getMessage());
        }
    }

    @Test
    void aWriteOnAFullDiskIsDiskFullAndKeepsNothing() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("tiny"));
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String output = new String(mounting.getInputStream().readAllBytes(), UTF_8);
        assertEquals(0, mounting.waitFor(), "this test needs a real full file system: a tmpfs mounted as root ("
                + output.strip() + ")");
        try {
            Path db = mount.resolve("account.db");
            try (AccountStore store = SqliteAccountStore.create(db, Protection.keyFile(mount.resolve("account.key")))) {
                // Fill the file system up to the last few KiB, then write a record larger than what is left.
                Path filler = mount.resolve("filler");
                long free = Files.getFileStore(mount).getUsableSpace();
                Files.write(filler, new byte[(int) Math.max(0, free - 16 * 1024)]);
                byte[] big = new byte[256 * 1024];
                Arrays.fill(big, (byte) 7);
                StoreFailureException e = assertThrows(StoreFailureException.class, () -> store.transact(s -> {
                    s.identities().storePeerTrust("carol@example.org", big);
                    return null;
                }));
                assertEquals(StoreFailureException.Kind.DISK_FULL, e.kind(), e.getMessage());
                Files.delete(filler);
                assertTrue(store.transact(s -> s.identities().peerTrust("carol@example.org")).isEmpty(),
                        "the failed transaction kept nothing");
            }
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
        }
    }
}
