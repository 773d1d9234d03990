package io.rivet.core.internal.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * The state database's schema and its forward-only migration ladder. Version {@code n} is reached by running the
 * statements of {@code MIGRATIONS.get(n - 1)}; each applied version is recorded in {@code schema_version}, so reopening
 * a database applies only what it lacks. Never edit a released migration: append a new one.
 */
final class StateSchema {

    /**
     * Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. Instants are TEXT written by
     * {@link FileStateStore#format(Instant)} (ISO-8601 UTC with exactly nine fraction digits), so they round-trip
     * exactly and sort as text.
     */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "CREATE TABLE cursors ("
                            + " export TEXT NOT NULL PRIMARY KEY,"
                            + " value TEXT,"
                            + " tie_breaker_value TEXT,"
                            + " run_id TEXT,"
                            + " updated_at TEXT)",
                    // seq orders runs by creation: unfinishedChunkRun wants the newest open one, and two runs may be
                    // created within the same clock tick.
                    "CREATE TABLE chunk_runs ("
                            + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                            + " export TEXT NOT NULL,"
                            + " run_id TEXT NOT NULL,"
                            + " plan_fingerprint TEXT,"
                            + " status TEXT NOT NULL CHECK (status IN ('open', 'completed', 'abandoned')),"
                            + " created_at TEXT NOT NULL,"
                            + " UNIQUE (export, run_id))",
                    "CREATE INDEX chunk_runs_by_status ON chunk_runs (export, status, seq)",
                    "CREATE TABLE chunks ("
                            + " export TEXT NOT NULL,"
                            + " run_id TEXT NOT NULL,"
                            + " idx INTEGER NOT NULL,"
                            + " lower TEXT,"
                            + " upper TEXT,"
                            + " status TEXT NOT NULL,"
                            + " rows INTEGER NOT NULL,"
                            + " bytes INTEGER NOT NULL,"
                            + " attempts INTEGER NOT NULL,"
                            + " error TEXT,"
                            + " PRIMARY KEY (export, run_id, idx))",
                    "CREATE TABLE files ("
                            + " export TEXT NOT NULL,"
                            + " run_id TEXT NOT NULL,"
                            + " chunk INTEGER NOT NULL,"
                            + " key TEXT NOT NULL,"
                            + " rows INTEGER NOT NULL,"
                            + " bytes INTEGER NOT NULL,"
                            + " sha256 TEXT,"
                            + " committed_at TEXT)",
                    "CREATE INDEX files_by_run ON files (export, run_id, chunk)",
                    "CREATE TABLE runs ("
                            + " run_id TEXT NOT NULL,"
                            + " export TEXT NOT NULL,"
                            + " status TEXT NOT NULL,"
                            + " mode TEXT,"
                            + " started_at TEXT NOT NULL,"
                            + " finished_at TEXT,"
                            + " rows INTEGER NOT NULL,"
                            + " bytes INTEGER NOT NULL,"
                            + " files INTEGER NOT NULL,"
                            + " retries INTEGER NOT NULL,"
                            + " error TEXT,"
                            + " PRIMARY KEY (export, run_id))",
                    "CREATE INDEX runs_by_start ON runs (export, started_at)"),
            // 2: the accepted schema per export, the baseline for schema drift.
            List.of(
                    "CREATE TABLE schemas ("
                            + " export TEXT NOT NULL PRIMARY KEY,"
                            + " columns TEXT NOT NULL,"
                            + " run_id TEXT,"
                            + " accepted_at TEXT NOT NULL)"),
            // 3: run history gains throttle time, peak memory and warnings.
            List.of(
                    "ALTER TABLE runs ADD COLUMN throttled_ms INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE runs ADD COLUMN peak_memory INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE runs ADD COLUMN warnings TEXT"));

    /** The schema version this code writes. */
    static final int CURRENT_VERSION = MIGRATIONS.size();

    private StateSchema() {
    }

    /**
     * Brings the database to {@link #CURRENT_VERSION} inside the connection's current transaction (the caller commits).
     *
     * @return the version the database had before
     * @throws NewerSchemaException when the database was written by a newer Rivet
     */
    static int migrate(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + " version INTEGER NOT NULL PRIMARY KEY,"
                    + " applied_at TEXT NOT NULL)");
        }
        int found = version(connection);
        if (found > CURRENT_VERSION) {
            throw new NewerSchemaException(found);
        }
        for (int v = found; v < CURRENT_VERSION; v++) {
            try (Statement st = connection.createStatement()) {
                for (String sql : MIGRATIONS.get(v)) {
                    st.execute(sql);
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
                ps.setInt(1, v + 1);
                ps.setString(2, FileStateStore.format(Instant.now()));
                ps.executeUpdate();
            }
        }
        return found;
    }

    /** The database's schema version; 0 for a new database. */
    static int version(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The database's schema is newer than this code understands. */
    static final class NewerSchemaException extends SQLException {
        private static final long serialVersionUID = 1L;

        final int version;

        NewerSchemaException(int version) {
            super("schema version " + version + " is newer than " + CURRENT_VERSION);
            this.version = version;
        }
    }
}
