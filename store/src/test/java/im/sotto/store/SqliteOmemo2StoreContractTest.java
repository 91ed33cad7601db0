package im.sotto.store;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.OmemoStoreContractTest;
import im.sotto.protocol.store.Stores;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store's OMEMO 2 tables (schema v7) against the OMEMO contract, reopened from disk. */
class SqliteOmemo2StoreContractTest extends OmemoStoreContractTest {
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

    @Override
    protected im.sotto.protocol.omemo.OmemoStores omemo(Stores s) {
        return s.omemo2();
    }
}
