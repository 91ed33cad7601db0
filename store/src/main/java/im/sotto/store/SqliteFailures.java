package im.sotto.store;

import java.sql.SQLException;

import im.sotto.protocol.store.StoreFailureException;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Sorts SQLite's errors into what a user can act on: a full disk, a read-only file, a damaged file, or other. */
final class SqliteFailures {
    private SqliteFailures() {}

    static StoreFailureException.Kind kind(SQLException e) {
        if (!(e instanceof SQLiteException sqlite)) {
            return StoreFailureException.Kind.IO;
        }
        SQLiteErrorCode code = sqlite.getResultCode();
        // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY, ...) keep the primary code in the low byte.
        switch (code.code & 0xff) {
            case 13: // SQLITE_FULL
                return StoreFailureException.Kind.DISK_FULL;
            case 8: // SQLITE_READONLY
                return StoreFailureException.Kind.READ_ONLY;
            case 11: // SQLITE_CORRUPT
            case 26: // SQLITE_NOTADB
                return StoreFailureException.Kind.DAMAGED;
            default:
                return StoreFailureException.Kind.IO;
        }
    }
}
