package im.sotto.store;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.OmemoStoreContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store's OMEMO tables against the same contract as the in-memory store, reopened from disk. */
class SqliteOmemoStoreContractTest extends OmemoStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected AccountStore newStore(String name) throws Exception {
        return SqliteAccountStore.create(dir.resolve(name + ".db"), Protection.keyFile(dir.resolve(name + ".key")));
    }

    @Override
    protected AccountStore reopen(String name, AccountStore old) throws Exception {
        old.close();
        return SqliteAccountStore.open(dir.resolve(name + ".db"), Protection.keyFile(dir.resolve(name + ".key")));
    }
}
