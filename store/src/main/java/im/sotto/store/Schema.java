package im.sotto.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's schema: version 1 in {@code schema/v1.sql}, and one forward migration per later version in
 * {@code schema/vN.sql}. A new store runs them all, so every migration runs on every new store too.
 */
final class Schema {
    static final int CURRENT_VERSION = 7;
    /** SQLite's application id for Sotto stores: "Sott" in ASCII; anything else is not a Sotto store. */
    static final int APPLICATION_ID = 0x536f7474;

    private Schema() {}

    /** Creates the schema up to {@code version}, inside the caller's transaction. */
    static void create(Connection connection, int version) throws SQLException {
        checkVersion(version);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA application_id = " + APPLICATION_ID);
        }
        for (int v = 1; v <= version; v++) {
            run(connection, v);
        }
    }

    /** Migrates from {@code from} to {@link #CURRENT_VERSION}, each step in its own transaction. */
    static void migrate(Connection connection, int from) throws SQLException {
        for (int v = from + 1; v <= CURRENT_VERSION; v++) {
            try (Statement s = connection.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    run(connection, v);
                    if (version(connection) != v) {
                        throw new IllegalStateException("migration to version " + v + " did not record it");
                    }
                    s.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }

    static int applicationId(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA application_id")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    static int version(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT version FROM schema_version")) {
            if (!r.next()) {
                throw new SQLException("schema_version is empty");
            }
            int v = r.getInt(1);
            if (r.next()) {
                throw new SQLException("schema_version has more than one row");
            }
            return v;
        }
    }

    private static void run(Connection connection, int version) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String statement : statements(version)) {
                s.execute(statement);
            }
        }
    }

    /** The statements of {@code schema/v<version>.sql}: comment lines dropped, split at semicolons. */
    static List<String> statements(int version) {
        checkVersion(version);
        String resource = "schema/v" + version + ".sql";
        try (InputStream in = Schema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            StringBuilder sql = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.strip().startsWith("--")) {
                    sql.append(line).append('\n');
                }
            }
            List<String> out = new ArrayList<>();
            for (String statement : sql.toString().split(";")) {
                if (!statement.isBlank()) {
                    out.add(statement.strip());
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    private static void checkVersion(int version) {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("schema version must be 1.." + CURRENT_VERSION);
        }
    }
}
