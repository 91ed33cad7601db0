package im.sotto.store;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.store.StoreWork;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * One account's state in one SQLite file, every secret encrypted under a random storage key that the user's
 * passphrase or key file unwraps (docs/reliability.md, "Store: atomicity, crash safety, restore").
 *
 * <p>Each {@link #transact transaction} is a SQLite {@code BEGIN IMMEDIATE} ... {@code COMMIT} on the store's one
 * connection, in WAL mode with {@code synchronous=FULL}: when {@code transact} returns, the changes are on disk and
 * survive a crash of the process or the machine; when the work throws, none of them are. Transactions run one at a
 * time (serializable), which is also what keeps concurrent operations on one session from losing updates. A store is
 * open in at most one process at a time.
 */
public final class SqliteAccountStore implements AccountStore {
    private final ReentrantLock lock = new ReentrantLock();
    private final Path database;
    private final ProcessLock processLock;
    private final Sql sql;
    private final RecordCipher cipher;
    private boolean closed;

    private SqliteAccountStore(Path database, ProcessLock processLock, Sql sql, RecordCipher cipher) {
        this.database = database;
        this.processLock = processLock;
        this.sql = sql;
        this.cipher = cipher;
    }

    /**
     * Creates a new store at {@code database}; for key-file protection also creates the key file.
     *
     * @throws FileAlreadyExistsException if the store or the key file exists already
     */
    public static SqliteAccountStore create(Path database, Protection protection) throws IOException,
            StoreOpenException {
        return create(database, protection, new SecureRandom(), Schema.CURRENT_VERSION);
    }

    /** Creates a store at an older schema version: only for the migration test. */
    static SqliteAccountStore create(Path database, Protection protection, SecureRandom random, int schemaVersion)
            throws IOException, StoreOpenException {
        Path path = database.toAbsolutePath();
        Objects.requireNonNull(protection, "protection");
        ProcessLock processLock = ProcessLock.acquire(path);
        byte[] storageKey = new byte[KeyWrap.STORAGE_KEY_LENGTH];
        Sql sql = null;
        try {
            if (Files.exists(path)) {
                throw new FileAlreadyExistsException(path.toString(), null, "store already exists");
            }
            if (protection.method() == Protection.Method.KEY_FILE) {
                KeyFile.requireAbsent(protection.keyFilePath());
            }
            random.nextBytes(storageKey);
            KeyWrap wrap = KeyWrap.wrap(protection, storageKey, random);
            sql = new Sql(connect(path, true));
            sql.execute("BEGIN IMMEDIATE");
            Schema.create(sql.connection(), schemaVersion);
            insertKeyWrap(sql.connection(), wrap);
            sql.execute("COMMIT");
            return new SqliteAccountStore(path, processLock, sql, cipherFor(storageKey, random));
        } catch (SQLException e) {
            closeQuietly(sql);
            processLock.close();
            throw new IOException("cannot create store " + path + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(sql);
            processLock.close();
            throw e;
        } finally {
            Arrays.fill(storageKey, (byte) 0);
        }
    }

    /**
     * Opens an existing store, migrating it to the current schema after it was unlocked.
     *
     * @throws NoSuchFileException if there is no store at {@code database}
     * @throws StoreOpenException for a wrong passphrase or key file, a store in use, or a file that is not a
     *     readable Sotto store; its {@link StoreOpenException#kind()} says which
     */
    public static SqliteAccountStore open(Path database, Protection protection) throws IOException,
            StoreOpenException {
        Path path = database.toAbsolutePath();
        Objects.requireNonNull(protection, "protection");
        ProcessLock processLock = ProcessLock.acquire(path);
        Sql sql = null;
        byte[] storageKey = null;
        try {
            if (!Files.exists(path)) {
                throw new NoSuchFileException(path.toString(), null, "no store here");
            }
            sql = new Sql(connect(path, false));
            int version = checkedVersion(sql.connection());
            storageKey = readKeyWrap(sql.connection()).unwrap(protection);
            if (version < Schema.CURRENT_VERSION) {
                Schema.migrate(sql.connection(), version);
            }
            return new SqliteAccountStore(path, processLock, sql, cipherFor(storageKey, new SecureRandom()));
        } catch (SQLException e) {
            closeQuietly(sql);
            processLock.close();
            throw new StoreOpenException(openFailure(e), "cannot read " + path + " as a Sotto store: "
                    + e.getMessage(), e);
        } catch (IOException | StoreOpenException | RuntimeException e) {
            closeQuietly(sql);
            processLock.close();
            throw e;
        } finally {
            if (storageKey != null) {
                Arrays.fill(storageKey, (byte) 0);
            }
        }
    }

    @Override
    public <T, E extends Exception> T transact(StoreWork<T, E> work) throws E {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("nested transaction on the same store");
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            begin();
            Transaction tx = new Transaction(sql, cipher);
            boolean committed = false;
            try {
                T result = work.run(new SqliteStores(tx));
                tx.end();
                commit();
                committed = true;
                return result;
            } finally {
                tx.end();
                if (!committed) {
                    rollback();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the connection (checkpointing the write-ahead log into the file) and releases the process lock. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cipher.wipe();
            try {
                sql.close();
            } catch (SQLException e) {
                throw Transaction.failure(e);
            } finally {
                processLock.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void begin() {
        try {
            sql.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw Transaction.failure(e);
        }
    }

    private void commit() {
        try {
            sql.execute("COMMIT");
        } catch (SQLException e) {
            throw new StoreFailureException(SqliteFailures.kind(e), "commit failed; nothing of this transaction was "
                    + "kept: " + e.getMessage(), e);
        }
    }

    private void rollback() {
        try {
            sql.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite rolls back by itself after some errors (a full disk, a failed commit): nothing is left to undo.
            if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
                throw new StoreFailureException(SqliteFailures.kind(e), "rollback failed: " + e.getMessage(), e);
            }
        }
    }

    private static Connection connect(Path path, boolean create) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        if (!create) {
            config.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: in WAL mode every commit is synced, so a committed transaction survives power loss, not only a crash.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        // Overwrite deleted content (old session records, used prekeys) instead of leaving it in free pages.
        config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        config.setBusyTimeout(0);
        return DriverManager.getConnection("jdbc:sqlite:" + path, config.toProperties());
    }

    private static int checkedVersion(Connection connection) throws SQLException, StoreOpenException {
        if (Schema.applicationId(connection) != Schema.APPLICATION_ID) {
            throw new StoreOpenException(StoreOpenException.Kind.NOT_A_STORE, "not a Sotto store");
        }
        int version = Schema.version(connection);
        if (version > Schema.CURRENT_VERSION) {
            throw new StoreOpenException(StoreOpenException.Kind.NEWER_SCHEMA, "store has schema version " + version
                    + ", written by a newer Sotto; this one reads up to " + Schema.CURRENT_VERSION);
        }
        if (version < 1) {
            throw new StoreOpenException(StoreOpenException.Kind.CORRUPT, "invalid schema version " + version);
        }
        return version;
    }

    private static void insertKeyWrap(Connection connection, KeyWrap wrap) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO key_wrap (id, method, salt, memory_kib, "
                + "iterations, parallelism, wrapped_key) VALUES (1, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, wrap.method().stored);
            p.setBytes(2, wrap.salt());
            if (wrap.parameters() == null) {
                p.setNull(3, java.sql.Types.INTEGER);
                p.setNull(4, java.sql.Types.INTEGER);
                p.setNull(5, java.sql.Types.INTEGER);
            } else {
                p.setLong(3, wrap.parameters().memoryKib());
                p.setLong(4, wrap.parameters().iterations());
                p.setLong(5, wrap.parameters().parallelism());
            }
            p.setBytes(6, wrap.wrappedKey());
            p.executeUpdate();
        }
    }

    private static KeyWrap readKeyWrap(Connection connection) throws SQLException, StoreOpenException {
        try (PreparedStatement p = connection.prepareStatement("SELECT method, salt, memory_kib, iterations, "
                + "parallelism, wrapped_key FROM key_wrap WHERE id = 1"); ResultSet r = p.executeQuery()) {
            if (!r.next()) {
                throw new StoreOpenException(StoreOpenException.Kind.CORRUPT, "key data missing");
            }
            return KeyWrap.parse(r.getString(1), r.getBytes(2), nullableLong(r, 3), nullableLong(r, 4),
                    nullableLong(r, 5), r.getBytes(6));
        }
    }

    private static Long nullableLong(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    private static RecordCipher cipherFor(byte[] storageKey, SecureRandom random) {
        SecretBytes key = SecretBytes.copyOf(storageKey);
        try {
            return new RecordCipher(key, random);
        } finally {
            key.wipe();
        }
    }

    private static void closeQuietly(Sql sql) {
        if (sql != null) {
            try {
                sql.close();
            } catch (SQLException e) {
                // already failing; the first error is the one to report
            }
        }
    }

    @Override
    public String toString() {
        return "SqliteAccountStore[" + database + ", content encrypted]";
    }

    /** A full disk or a read-only file is not "not a store": say what the user can fix. */
    private static StoreOpenException.Kind openFailure(SQLException e) {
        switch (SqliteFailures.kind(e)) {
            case DISK_FULL:
                return StoreOpenException.Kind.DISK_FULL;
            case READ_ONLY:
                return StoreOpenException.Kind.READ_ONLY;
            default:
                return StoreOpenException.Kind.NOT_A_STORE;
        }
    }
}
