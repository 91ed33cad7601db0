package im.sotto.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store is open in one process at a time: a second process, or a second open in this one, gets a clear error. */
class SecondProcessTest {
    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsRefusedWhileTheFirstHoldsTheStoreAndAdmittedOnceItDies() throws Exception {
        Path db = dir.resolve("account.db");
        Path key = dir.resolve("account.key");
        SqliteAccountStore.create(db, Protection.keyFile(key)).close();
        try (ChildJvm holder = ChildJvm.start(StoreHolder.class, dir.resolve("holder-stderr.txt"), db.toString(),
                key.toString())) {
            assertTrue(holder.awaitLine("OPEN"));
            StoreOpenException refused = assertThrows(StoreOpenException.class,
                    () -> SqliteAccountStore.open(db, Protection.keyFile(key)));
            assertEquals(StoreOpenException.Kind.IN_USE, refused.kind());
            assertTrue(refused.getMessage().contains("another process"), refused.getMessage());
            holder.kill();
        }
        SqliteAccountStore.open(db, Protection.keyFile(key)).close();
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefused() throws Exception {
        Path db = dir.resolve("account.db");
        Path key = dir.resolve("account.key");
        try (SqliteAccountStore first = SqliteAccountStore.create(db, Protection.keyFile(key))) {
            StoreOpenException refused = assertThrows(StoreOpenException.class,
                    () -> SqliteAccountStore.open(db, Protection.keyFile(key)));
            assertEquals(StoreOpenException.Kind.IN_USE, refused.kind());
            first.transact(s -> s.sessions().addresses());
        }
        SqliteAccountStore.open(db, Protection.keyFile(key)).close();
    }
}
