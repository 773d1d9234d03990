package io.rivet.core.internal.state;

import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.state.ChunkCheckpoint;
import io.rivet.state.ChunkRun;
import io.rivet.state.ChunkStatus;
import io.rivet.state.CursorState;
import io.rivet.state.FileRecord;
import io.rivet.state.RunRecord;
import io.rivet.state.RunStatus;
import io.rivet.state.SchemaBaseline;
import io.rivet.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded, file-backed {@link StateStore}: one SQLite database, {@code state.db}, in a directory.
 *
 * <p>The database runs in WAL mode with {@code synchronous=FULL}, so every method's change is on disk when the method
 * returns; each method is one transaction. Several processes may share the file (SQLite's locks, with a busy timeout
 * of {@value #BUSY_TIMEOUT_MILLIS} ms). Within the process one connection serves all threads, guarded by a lock:
 * state calls are few and small next to the export's I/O, and one connection keeps the semantics simple.
 *
 * <p>Thread-safe. The creator owns the store and closes it; {@link #close()} may be called more than once. A method
 * called after close throws {@link IllegalStateException}. Database failures throw {@link RivetException} naming the
 * file.
 */
public final class FileStateStore implements StateStore {

    /** The database's file name inside the store's directory. */
    public static final String FILE_NAME = "state.db";

    static final int BUSY_TIMEOUT_MILLIS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(FileStateStore.class);

    // Nine fraction digits always: exact round trip for any Instant, and text order equals time order (years 0-9999).
    private static final DateTimeFormatter INSTANT = new DateTimeFormatterBuilder().appendInstant(9)
            .toFormatter(Locale.ROOT);

    private static final String OPEN = "open";

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection; // guarded by lock; null once closed

    private FileStateStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens (creating if needed) the store in {@code directory}, which is created if missing, and brings its schema to
     * the current version.
     *
     * @throws RivetConfigException when the directory or database cannot be created or opened, or was written by a
     *     newer Rivet
     */
    public static FileStateStore open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path dir = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RivetConfigException("Cannot create the state store directory " + dir + " (" + describe(e)
                    + "). Make sure it is a directory the process may write to, or choose another state directory.", e);
        }
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isWritable(dir)) {
            throw new RivetConfigException("The state store directory " + dir + " is not writable. Grant the process"
                    + " write access to it, or choose another state directory.");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        Connection connection = null;
        try {
            // Auto-commit on, transactions begun by hand: with auto-commit off the driver opens the next
            // transaction as soon as one commits, which would hold SQLite's lock between calls and block every
            // other process sharing the file.
            connection = config.createConnection("jdbc:sqlite:" + file);
            String journal = pragma(connection, "journal_mode");
            if (!"wal".equalsIgnoreCase(journal)) {
                // Some file systems (network mounts) refuse WAL; SQLite then keeps its rollback journal, still durable.
                LOG.warn("The state store {} runs in journal mode {} instead of WAL; concurrent access is slower",
                        file, journal);
            }
            int before;
            execute(connection, "BEGIN IMMEDIATE");
            try {
                before = StateSchema.migrate(connection);
                execute(connection, "COMMIT");
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw e;
            }
            if (before != StateSchema.CURRENT_VERSION) {
                LOG.info("State store {} migrated from schema version {} to {}", file, before,
                        StateSchema.CURRENT_VERSION);
            }
            return new FileStateStore(file, connection);
        } catch (StateSchema.NewerSchemaException e) {
            closeQuietly(connection);
            throw new RivetConfigException("The state store " + file + " has schema version " + e.version
                    + ", written by a newer Rivet (this one knows up to " + StateSchema.CURRENT_VERSION
                    + "). Upgrade Rivet, or use another state directory.", e);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new RivetConfigException("Cannot open the state store " + file + " (" + e.getMessage()
                    + "). Make sure the directory is writable, the file is a Rivet state database (move it away if"
                    + " not), and no other process holds it locked.", e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public Optional<CursorState> cursor(String exportName) {
        Objects.requireNonNull(exportName, "exportName");
        return read("read the cursor", exportName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT value, tie_breaker_value, run_id, updated_at FROM cursors WHERE export = ?")) {
                ps.setString(1, exportName);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new CursorState(rs.getString(1), rs.getString(2), rs.getString(3),
                            parse(rs.getString(4))));
                }
            }
        });
    }

    @Override
    public void saveCursor(String exportName, CursorState cursor) {
        Objects.requireNonNull(exportName, "exportName");
        Objects.requireNonNull(cursor, "cursor");
        write("save the cursor", exportName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO cursors (export, value, tie_breaker_value, run_id, updated_at) VALUES (?, ?, ?, ?, ?)"
                            + " ON CONFLICT (export) DO UPDATE SET value = excluded.value,"
                            + " tie_breaker_value = excluded.tie_breaker_value, run_id = excluded.run_id,"
                            + " updated_at = excluded.updated_at")) {
                ps.setString(1, exportName);
                ps.setString(2, cursor.value());
                ps.setString(3, cursor.tieBreakerValue());
                ps.setString(4, cursor.runId());
                ps.setString(5, format(cursor.updatedAt()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<SchemaBaseline> schema(String exportName) {
        Objects.requireNonNull(exportName, "exportName");
        return read("read the accepted schema", exportName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT columns, run_id, accepted_at FROM schemas WHERE export = ?")) {
                ps.setString(1, exportName);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String columns = rs.getString(1);
                    return Optional.of(new SchemaBaseline(columns.isEmpty() ? List.of()
                            : List.of(columns.split("\n", -1)), rs.getString(2), parse(rs.getString(3))));
                }
            }
        });
    }

    @Override
    public void saveSchema(String exportName, SchemaBaseline baseline) {
        Objects.requireNonNull(exportName, "exportName");
        Objects.requireNonNull(baseline, "baseline");
        write("save the accepted schema", exportName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schemas (export, columns, run_id, accepted_at) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (export) DO UPDATE SET columns = excluded.columns,"
                            + " run_id = excluded.run_id, accepted_at = excluded.accepted_at")) {
                ps.setString(1, exportName);
                ps.setString(2, String.join("\n", baseline.columns()));
                ps.setString(3, baseline.runId());
                ps.setString(4, format(baseline.acceptedAt()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void startChunkRun(ChunkRun run) {
        Objects.requireNonNull(run, "run");
        String exportName = Objects.requireNonNull(run.exportName(), "exportName");
        String runId = Objects.requireNonNull(run.runId(), "runId");
        write("start chunk run " + runId, exportName, c -> {
            // Starting a run id again replaces its plan and reopens it, keeping its place in creation order.
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO chunk_runs (export, run_id, plan_fingerprint, status, created_at)"
                            + " VALUES (?, ?, ?, 'open', ?) ON CONFLICT (export, run_id) DO UPDATE SET"
                            + " plan_fingerprint = excluded.plan_fingerprint, status = 'open'")) {
                ps.setString(1, exportName);
                ps.setString(2, runId);
                ps.setString(3, run.planFingerprint());
                ps.setString(4, format(Instant.now()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chunks WHERE export = ? AND run_id = ?")) {
                ps.setString(1, exportName);
                ps.setString(2, runId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO chunks (export, run_id, idx, lower, upper, status, rows, bytes, attempts, error)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (ChunkCheckpoint chunk : run.chunks()) {
                    ps.setString(1, exportName);
                    ps.setString(2, runId);
                    bindChunk(ps, 3, chunk);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Optional<ChunkRun> unfinishedChunkRun(String exportName) {
        Objects.requireNonNull(exportName, "exportName");
        return read("read the unfinished chunk run", exportName, c -> {
            String runId;
            String fingerprint;
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, plan_fingerprint FROM chunk_runs"
                    + " WHERE export = ? AND status = 'open' ORDER BY seq DESC LIMIT 1")) {
                ps.setString(1, exportName);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    runId = rs.getString(1);
                    fingerprint = rs.getString(2);
                }
            }
            List<ChunkCheckpoint> chunks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT idx, lower, upper, status, rows, bytes, attempts,"
                    + " error FROM chunks WHERE export = ? AND run_id = ? ORDER BY idx")) {
                ps.setString(1, exportName);
                ps.setString(2, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        chunks.add(new ChunkCheckpoint(rs.getInt(1), rs.getString(2), rs.getString(3),
                                ChunkStatus.valueOf(rs.getString(4)), rs.getLong(5), rs.getLong(6), rs.getInt(7),
                                rs.getString(8)));
                    }
                }
            }
            return Optional.of(new ChunkRun(exportName, runId, fingerprint, chunks));
        });
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when the run was never started
     * @throws IndexOutOfBoundsException when the run's plan has no chunk with that index
     */
    @Override
    public void updateChunk(String exportName, String runId, ChunkCheckpoint chunk) {
        Objects.requireNonNull(exportName, "exportName");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(chunk, "chunk");
        int updated = write("update chunk " + chunk.index() + " of run " + runId, exportName, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE chunks SET idx = ?, lower = ?, upper = ?,"
                    + " status = ?, rows = ?, bytes = ?, attempts = ?, error = ?"
                    + " WHERE export = ? AND run_id = ? AND idx = ?")) {
                bindChunk(ps, 1, chunk);
                ps.setString(9, exportName);
                ps.setString(10, runId);
                ps.setInt(11, chunk.index());
                int n = ps.executeUpdate();
                if (n == 0) {
                    return runExists(c, exportName, runId) ? -1 : 0;
                }
                return n;
            }
        });
        if (updated == 0) {
            throw new IllegalStateException("no chunk run " + runId + " for export " + exportName);
        }
        if (updated < 0) {
            throw new IndexOutOfBoundsException("chunk run " + runId + " of export " + exportName
                    + " has no chunk " + chunk.index());
        }
    }

    @Override
    public void closeChunkRun(String exportName, String runId, boolean completed) {
        Objects.requireNonNull(exportName, "exportName");
        Objects.requireNonNull(runId, "runId");
        write("close chunk run " + runId, exportName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE chunk_runs SET status = ? WHERE export = ? AND run_id = ?")) {
                ps.setString(1, completed ? "completed" : "abandoned");
                ps.setString(2, exportName);
                ps.setString(3, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void recordFiles(String exportName, String runId, int chunk, List<FileRecord> files) {
        Objects.requireNonNull(exportName, "exportName");
        Objects.requireNonNull(runId, "runId");
        List<FileRecord> copy = List.copyOf(files);
        write("record the files of chunk " + chunk + " of run " + runId, exportName, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM files WHERE export = ? AND run_id = ? AND chunk = ?")) {
                ps.setString(1, exportName);
                ps.setString(2, runId);
                ps.setInt(3, chunk);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO files (export, run_id, chunk, key, rows,"
                    + " bytes, sha256, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (FileRecord f : copy) {
                    // As in the in-memory store: the ledger is keyed by the run argument, and the chunk that a
                    // later call replaces is the record's own (they agree for every caller in the engine).
                    ps.setString(1, exportName);
                    ps.setString(2, runId);
                    ps.setInt(3, f.chunk());
                    ps.setString(4, f.key());
                    ps.setLong(5, f.rows());
                    ps.setLong(6, f.bytes());
                    ps.setString(7, f.sha256());
                    ps.setString(8, format(f.committedAt()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<FileRecord> files(String exportName, String runId) {
        Objects.requireNonNull(exportName, "exportName");
        Objects.requireNonNull(runId, "runId");
        List<FileRecord> all = read("read the files of run " + runId, exportName, c -> {
            List<FileRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, chunk, key, rows, bytes, sha256,"
                    + " committed_at FROM files WHERE export = ? AND run_id = ? ORDER BY rowid")) {
                ps.setString(1, exportName);
                ps.setString(2, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FileRecord(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4),
                                rs.getLong(5), rs.getString(6), parse(rs.getString(7))));
                    }
                }
            }
            return out;
        });
        // Sorted in Java: SQLite compares text as UTF-8 bytes, String.compareTo as UTF-16 units; they differ for
        // characters outside the BMP. The sort is stable, so equal keys keep insertion order.
        all.sort(Comparator.comparingInt(FileRecord::chunk).thenComparing(FileRecord::key));
        return all;
    }

    @Override
    public void recordRun(RunRecord run) {
        Objects.requireNonNull(run, "run");
        String exportName = Objects.requireNonNull(run.exportName(), "exportName");
        Objects.requireNonNull(run.runId(), "runId");
        Objects.requireNonNull(run.status(), "status");
        Objects.requireNonNull(run.startedAt(), "startedAt");
        write("record run " + run.runId(), exportName, c -> {
            // Upsert, not REPLACE: REPLACE deletes the row and gives it a new rowid, which would reorder ties.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (run_id, export, status, mode,"
                    + " started_at, finished_at, rows, bytes, files, retries, error, throttled_ms, peak_memory, warnings)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (export, run_id) DO UPDATE SET"
                    + " status = excluded.status, mode = excluded.mode, started_at = excluded.started_at,"
                    + " finished_at = excluded.finished_at, rows = excluded.rows, bytes = excluded.bytes,"
                    + " files = excluded.files, retries = excluded.retries, error = excluded.error,"
                    + " throttled_ms = excluded.throttled_ms, peak_memory = excluded.peak_memory,"
                    + " warnings = excluded.warnings")) {
                ps.setString(1, run.runId());
                ps.setString(2, exportName);
                ps.setString(3, run.status().name());
                ps.setString(4, run.mode());
                ps.setString(5, format(run.startedAt()));
                ps.setString(6, format(run.finishedAt()));
                ps.setLong(7, run.rows());
                ps.setLong(8, run.bytes());
                ps.setInt(9, run.files());
                ps.setInt(10, run.retries());
                ps.setString(11, run.error());
                ps.setLong(12, run.throttled().toMillis());
                ps.setLong(13, run.peakMemoryBytes());
                ps.setString(14, run.warnings().isEmpty() ? null : String.join("\n", run.warnings()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * {@inheritDoc} Runs with the same start time keep the order in which they were first recorded.
     *
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    @Override
    public List<RunRecord> runs(String exportName, int limit) {
        Objects.requireNonNull(exportName, "exportName");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be at least 0, got " + limit);
        }
        return read("read the run history", exportName, c -> {
            List<RunRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, export, status, mode, started_at,"
                    + " finished_at, rows, bytes, files, retries, error, throttled_ms, peak_memory, warnings FROM runs"
                    + " WHERE export = ?"
                    + " ORDER BY started_at DESC, rowid ASC LIMIT ?")) {
                ps.setString(1, exportName);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RunRecord(rs.getString(1), rs.getString(2), RunStatus.valueOf(rs.getString(3)),
                                rs.getString(4), parse(rs.getString(5)), parse(rs.getString(6)), rs.getLong(7),
                                rs.getLong(8), rs.getInt(9), rs.getInt(10), rs.getString(11),
                                Duration.ofMillis(rs.getLong(12)), rs.getLong(13),
                                rs.getString(14) == null ? List.of() : List.of(rs.getString(14).split("\n", -1))));
                    }
                }
            }
            return out;
        });
    }

    /** Closes the database connection. Idempotent; never throws. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                closeQuietly(connection);
                connection = null;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FileStateStore[" + file + "]";
    }

    /** The value of a pragma on the store's connection; for tests and diagnostics. */
    String pragma(String name) {
        return read("read pragma " + name, null, c -> pragma(c, name));
    }

    /** The stored text of an instant (null stays null). */
    static String format(Instant instant) {
        return instant == null ? null : INSTANT.format(instant);
    }

    static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void bindChunk(PreparedStatement ps, int first, ChunkCheckpoint chunk) throws SQLException {
        ps.setInt(first, chunk.index());
        ps.setString(first + 1, chunk.lowerBound());
        ps.setString(first + 2, chunk.upperBound());
        ps.setString(first + 3, Objects.requireNonNull(chunk.status(), "chunk status").name());
        ps.setLong(first + 4, chunk.rows());
        ps.setLong(first + 5, chunk.bytes());
        ps.setInt(first + 6, chunk.attempts());
        ps.setString(first + 7, chunk.error());
    }

    private static boolean runExists(Connection c, String exportName, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM chunk_runs WHERE export = ? AND run_id = ?")) {
            ps.setString(1, exportName);
            ps.setString(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Runs {@code work} as one transaction that writes: the write lock is taken at the start. */
    private <T> T write(String what, String exportName, SqlWork<T> work) {
        return inTransaction("BEGIN IMMEDIATE", what, exportName, work);
    }

    /** Runs {@code work} as one read transaction: a consistent snapshot that does not block writers (WAL). */
    private <T> T read(String what, String exportName, SqlWork<T> work) {
        return inTransaction("BEGIN DEFERRED", what, exportName, work);
    }

    /** Runs {@code work} as one transaction under the lock; commits, or rolls back and throws RivetException. */
    private <T> T inTransaction(String begin, String what, String exportName, SqlWork<T> work) {
        lock.lock();
        try {
            Connection c = connection;
            if (c == null) {
                throw new IllegalStateException("The state store " + file + " is closed");
            }
            try {
                execute(c, begin);
                T result = work.run(c);
                execute(c, "COMMIT");
                return result;
            } catch (SQLException e) {
                rollbackQuietly(c);
                throw new RivetException(exportName, "State store " + file + ": could not " + what + " ("
                        + e.getMessage() + "). Check free disk space, that the file is writable, and that no other"
                        + " process holds it locked for long.", e);
            } catch (RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException e) {
            // Also reached when BEGIN itself failed and there is no transaction; SQLite ends a transaction
            // on its own after some errors (disk full), which is what we want.
            LOG.debug("Rollback of a state store transaction failed", e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("Closing the state store connection failed", e);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
