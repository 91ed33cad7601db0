package im.sotto.store;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.ClientDataContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store against the client data contract, reopening from disk where it asks. */
class SqliteClientDataContractTest extends ClientDataContractTest {
    @TempDir
    Path dir;

    @Override
    protected AccountStore newStore() throws Exception {
        return SqliteAccountStore.create(dir.resolve("account.db"), Protection.keyFile(dir.resolve("account.key")));
    }

    @Override
    protected AccountStore reopen(AccountStore old) throws Exception {
        old.close();
        return SqliteAccountStore.open(dir.resolve("account.db"), Protection.keyFile(dir.resolve("account.key")));
    }
}
