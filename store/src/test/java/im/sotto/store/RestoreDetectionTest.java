package im.sotto.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.PreKeyKind;
import im.sotto.protocol.store.RestoreCheck;
import im.sotto.protocol.store.RestoreGuard;
import im.sotto.protocol.store.SessionAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store file copied back from an old backup is detected by its restore counter being below the one the device
 * last published, and handled as the brief says: the identity stays, sessions and prekeys go, the caller is told.
 */
class RestoreDetectionTest {
    private static final SessionAddress BOB = new SessionAddress("bob@example.org", 1);

    @TempDir
    Path dir;

    @Test
    void aStoreRestoredFromAnOldBackupIsDetectedAndStartsFreshSessionsKeepingItsIdentity() throws Exception {
        Path db = dir.resolve("account.db");
        Protection protection = Protection.keyFile(dir.resolve("account.key"));
        long published;
        try (AccountStore store = SqliteAccountStore.create(db, protection)) {
            published = store.transact(s -> {
                s.identities().storeLocalIdentity(bytes("identity"));
                s.sessions().store(BOB, bytes("session at backup time"));
                s.preKeys().store(PreKeyKind.SIGNED, 1, bytes("spk"), Instant.now());
                s.preKeys().store(PreKeyKind.ONE_TIME, 1, bytes("opk 1"), Instant.now());
                return RestoreGuard.advance(s);
            });
        }
        Path backup = Files.copy(db, dir.resolve("backup.db"));

        try (AccountStore store = SqliteAccountStore.open(db, protection)) {
            published = store.transact(s -> {
                assertEquals(new RestoreCheck.Current(1), RestoreGuard.check(s, 1));
                s.sessions().store(BOB, bytes("session after ten more messages"));
                return RestoreGuard.advance(s);
            });
        }
        assertEquals(2, published);

        Files.copy(backup, db, StandardCopyOption.REPLACE_EXISTING);
        long lastPublished = published;
        try (AccountStore store = SqliteAccountStore.open(db, protection)) {
            RestoreCheck check = store.transact(s -> RestoreGuard.check(s, lastPublished));
            assertEquals(new RestoreCheck.RestoredFromBackup(1, 2, 1, 2, 0), check);
            store.transact(s -> {
                assertArrayEquals(bytes("identity"), s.identities().localIdentity().orElseThrow());
                assertEquals(List.of(), s.sessions().addresses());
                assertEquals(List.of(), s.preKeys().ids(PreKeyKind.ONE_TIME));
                assertEquals(3, RestoreGuard.advance(s));
                return null;
            });
        }
        try (AccountStore store = SqliteAccountStore.open(db, protection)) {
            assertEquals(new RestoreCheck.Current(3), store.transact(s -> RestoreGuard.check(s, 3)));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
