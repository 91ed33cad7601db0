package im.sotto.store;

import im.sotto.protocol.store.StoreFailureException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the store views share inside one SQLite transaction: the connection's statements, the record cipher, and
 * whether the transaction is still running. SQL errors become {@link StoreFailureException}s.
 */
final class Transaction {
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final Sql sql;
    final RecordCipher cipher;
    private boolean ended;

    Transaction(Sql sql, RecordCipher cipher) {
        this.sql = sql;
        this.cipher = cipher;
    }

    void end() {
        ended = true;
    }

    int update(String statement, Object... parameters) {
        try {
            return bind(statement, parameters).executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    <T> List<T> query(String statement, RowReader<T> reader, Object... parameters) {
        try (ResultSet r = bind(statement, parameters).executeQuery()) {
            List<T> out = new ArrayList<>();
            while (r.next()) {
                out.add(reader.read(r));
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    <T> Optional<T> queryOne(String statement, RowReader<T> reader, Object... parameters) {
        List<T> rows = query(statement, reader, parameters);
        if (rows.size() > 1) {
            throw new StoreFailureException("more than one row where the schema allows one");
        }
        return rows.stream().findFirst();
    }

    /** The next id of an AUTOINCREMENT table: above every id it ever gave, even to rows since deleted. */
    long nextId(String table, String idColumn) {
        return queryOne("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
                + "coalesce((SELECT max(" + idColumn + ") FROM " + table + "), 0)) + 1", r -> r.getLong(1), table)
                .orElseThrow();
    }

    private PreparedStatement bind(String statement, Object... parameters) throws SQLException {
        if (ended) {
            throw new IllegalStateException("store view used outside its transaction");
        }
        PreparedStatement p = sql.prepare(statement);
        for (int i = 0; i < parameters.length; i++) {
            Object v = parameters[i];
            if (v instanceof byte[] b) {
                p.setBytes(i + 1, b);
            } else if (v instanceof Long l) {
                p.setLong(i + 1, l);
            } else if (v instanceof Integer n) {
                p.setLong(i + 1, n);
            } else if (v instanceof String s) {
                p.setString(i + 1, s);
            } else {
                throw new IllegalArgumentException("unsupported parameter type");
            }
        }
        return p;
    }

    static StoreFailureException failure(SQLException e) {
        return new StoreFailureException(SqliteFailures.kind(e), "store I/O failed: " + e.getMessage(), e);
    }
}
