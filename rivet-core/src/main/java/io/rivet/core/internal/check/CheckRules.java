package io.rivet.core.internal.check;

import io.rivet.ChunkedMode;
import io.rivet.Export;
import io.rivet.FullMode;
import io.rivet.IncrementalMode;
import io.rivet.Profile;
import io.rivet.TimeWindowMode;
import io.rivet.check.CheckReport;
import io.rivet.check.Finding;
import io.rivet.core.internal.check.CheckFacts.PlanKind;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.SourceInspector;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Judges a preflight's facts: which findings to raise, the row estimate and plan, and the recommended profile. Pure
 * (no I/O) and database-neutral: database-specific text (the SQL of a fix) comes from the facts' inspector. The rules
 * and thresholds are those of docs/design/009-check-and-init.md. Stateless.
 */
public final class CheckRules {
    /** At most this many estimated rows is a small table: read at once, scans of it are not flagged. */
    public static final long SMALL_TABLE_ROWS = 100_000;
    /** From this many estimated rows a table is big: SAFE on a primary, long snapshots flagged. */
    public static final long BIG_TABLE_ROWS = 1_000_000;
    /** From this size a table is big whatever its row estimate. */
    public static final long BIG_TABLE_BYTES = 1L << 30;
    /** Transactions open longer than this are reported. */
    public static final Duration LONG_TRANSACTION = Duration.ofMinutes(5);
    /** A replica further behind than this is flagged. */
    static final Duration REPLICATION_LAG = Duration.ofMinutes(5);
    /** An idle-in-transaction timeout shorter than this is flagged. */
    static final Duration SHORT_IDLE_TIMEOUT = Duration.ofMinutes(1);
    /** The planner refuses chunk plans larger than this (Planner.MAX_CHUNKS). */
    static final long MAX_CHUNKS = 1_000_000;
    /** Chunks averaging fewer rows than this, when there are many, are flagged as sparse. */
    static final long SPARSE_CHUNK_ROWS = 1_000;
    /** Chunks averaging more rows than this are flagged: each is one long transaction. */
    static final long OVERSIZED_CHUNK_ROWS = 5_000_000;

    private final CheckFacts f;
    private final Export export;
    private final String name;
    private final CheckReport.Builder report;
    private final Profile profile;
    /** Columns already flagged as lacking an index: a sequential scan they cause is not flagged twice. */
    private boolean indexMissing;

    private CheckRules(CheckFacts facts) {
        this.f = facts;
        this.export = facts.export;
        this.name = export.name();
        this.profile = export.effectiveProfile();
        this.report = CheckReport.builder(name).target(export.table() != null ? export.table() : "query")
                .mode(export.mode().name());
    }

    /** Judges {@code facts} and returns the report. */
    static CheckReport evaluate(CheckFacts facts) {
        return new CheckRules(facts).run();
    }

    private CheckReport run() {
        facts();
        structure();
        ModeColumns mode = f.columns == null ? null
                : ModeColumns.resolve(export, f.target, f.columns, f.primaryKey);
        if (mode != null) {
            mode.problems().forEach(report::add);
            nullability(mode);
            indexes(mode);
        }
        long rows = plans();
        statistics();
        privileges();
        replica();
        connections();
        timeouts();
        transactions();
        snapshot(rows);
        recommend(rows);
        notChecked();
        return report.build();
    }

    // ---------------------------------------------------------------- facts

    private void facts() {
        report.fact("dialect", f.dialect);
        SourceInspector.Server s = f.server;
        if (s != null) {
            report.fact("server", s.product() + " " + s.version());
            report.fact("database", s.database());
            report.fact("user", s.user());
            report.fact("replica", s.replica());
            if (s.replica()) {
                report.fact("replication_lag", Text.duration(s.replicationLag()));
            }
            s.settings().forEach((k, v) -> report.fact("setting." + k, v));
        }
        if (f.table != null) {
            report.fact("table", f.table.name() + " (" + f.table.kind() + ")");
            report.fact("table_rows_estimate", f.table.rowEstimate());
            report.fact("table_size", Text.bytes(f.table.totalBytes()));
        }
        report.fact("profile", profile.name());
        report.fact("connections_needed", needed());
    }

    // ---------------------------------------------------------------- structure

    private void structure() {
        if (f.tableMissing) {
            String user = f.server == null ? "this user" : "user " + f.server.user();
            report.add(Finding.fail("table_missing", "Export \"" + name + "\": table " + export.table()
                    + " does not exist or is not visible to " + user + ".",
                    "Check the schema and table name (schema.table; names are case-sensitive as written) and the"
                            + " database in the URL, and that the user may SELECT from it (MySQL hides tables a user"
                            + " holds no privilege on)."));
        }
        f.structure.forEach(report::add);
    }

    private void nullability(ModeColumns mode) {
        if (f.table == null) {
            return;
        }
        if (mode.chunk() != null && nullable(mode.chunk())) {
            report.add(Finding.warn("nullable_chunk_column", "Export \"" + name + "\": chunk_column \""
                    + mode.chunk().name() + "\" of " + f.target + " may hold NULL; a run refuses to start when any"
                    + " row has NULL there (key ranges would silently drop such rows).",
                    "Chunk by a NOT NULL column such as the primary key, or declare this column NOT NULL."));
        }
        if (mode.cursor() != null && nullable(mode.cursor())) {
            report.add(Finding.info("nullable_cursor", "Export \"" + name + "\": cursor_column \""
                    + mode.cursor().name() + "\" may hold NULL; rows whose cursor is NULL are never exported by"
                    + " incremental mode.", "Declare the column NOT NULL, or export such rows with a separate full"
                    + " export."));
        }
    }

    private boolean nullable(Column column) {
        return f.table.column(column.name()).map(SourceInspector.TableColumn::nullable).orElse(false);
    }

    // ---------------------------------------------------------------- indexes

    private void indexes(ModeColumns mode) {
        List<String[]> wanted = new ArrayList<>();
        if (mode.chunk() != null) {
            wanted.add(new String[] {"chunk_column", mode.chunk().name()});
        }
        if (mode.cursor() != null) {
            wanted.add(new String[] {"cursor_column", mode.cursor().name()});
        }
        if (mode.time() != null) {
            wanted.add(new String[] {"time_column", mode.time().name()});
        }
        if (wanted.isEmpty()) {
            return;
        }
        if (export.table() == null) {
            report.add(Finding.info("index_not_checked", "Export \"" + name + "\": it reads a query, so Rivet"
                    + " cannot tell which table's index serves " + wanted.get(0)[0] + " \"" + wanted.get(0)[1] + "\".",
                    "Make sure the column's base table has an index that starts with it, and read the plan below."));
            return;
        }
        if (f.indexes == null || f.table == null) {
            return;
        }
        for (String[] w : wanted) {
            boolean cursor = w[0].equals("cursor_column");
            boolean found = false;
            for (SourceInspector.Index i : f.indexes) {
                // A btree serves ranges and ORDER BY ... LIMIT 1; a BRIN index serves ranges only (chunks, windows).
                boolean method = i.method().equals("btree") || (!cursor && i.method().equals("brin"));
                if (i.valid() && !i.partial() && method && w[1].equals(i.leadingColumn())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                indexMissing = true;
                report.add(Finding.warn("missing_index", "Export \"" + name + "\": " + w[0] + " \"" + w[1]
                        + "\" of " + f.table.name() + " is not the leading column of any usable index; "
                        + consequence(w[0]) + ".", fixSql(() -> f.inspector.createIndexSql(f.table.name(), w[1]))));
            }
        }
    }

    private String consequence(String key) {
        String rows = f.table.rowEstimate() < 0 ? "" : " (~" + Text.count(f.table.rowEstimate()) + " rows)";
        return switch (key) {
            case "chunk_column" -> "every chunk's range read, and the MIN/MAX probe, scan the whole table" + rows;
            case "cursor_column" -> "every run finds the newest cursor value and the new rows by scanning the whole"
                    + " table" + rows;
            default -> "every run scans the whole table" + rows + " to find the window";
        };
    }

    // ---------------------------------------------------------------- plan

    /** Sets the row estimate and plan summary, flags scans; returns the estimated rows of one run (-1: unknown). */
    private long plans() {
        SourceInspector.Plan read = f.plans.get(PlanKind.READ);
        long rows = -1;
        SourceInspector.Plan chunk = f.plans.get(PlanKind.CHUNK);
        if (read != null) {
            rows = read.rows();
            // A chunked run never reads the whole table at once: show how one chunk is read.
            report.planSummary(chunk != null ? "per chunk: " + chunk.summary() : read.summary());
        } else if (f.table != null) {
            rows = f.table.rowEstimate();
        }
        report.rowEstimate(rows);
        Set<String> flagged = new LinkedHashSet<>();
        for (Map.Entry<PlanKind, SourceInspector.Plan> e : f.plans.entrySet()) {
            // Reading every row is what full mode (and the first incremental run) is for: not a finding.
            if (e.getKey() == PlanKind.READ && (export.mode() instanceof FullMode
                    || export.mode() instanceof ChunkedMode
                    || (export.mode() instanceof IncrementalMode && f.storedCursor == null))) {
                continue;
            }
            report.fact("plan." + e.getKey().name().toLowerCase(Locale.ROOT), e.getValue().summary());
            for (SourceInspector.Scan scan : e.getValue().fullScans()) {
                if (scan.relationRows() < SMALL_TABLE_ROWS || (indexMissing && export.table() != null)
                        || !flagged.add(scan.relation())) {
                    continue;
                }
                report.add(Finding.warn("seq_scan", "Export \"" + name + "\": the database plans a sequential"
                        + " scan of " + scan.relation() + " (~" + Text.count(scan.relationRows()) + " rows) for "
                        + e.getKey().purpose + ".", "Check that an index starts with the mode's column and that"
                        + " statistics are fresh" + fixSqlSuffix(() -> f.inspector.analyzeSql(scan.relation()))
                        + "; if the plan still scans, compare the column's type with the value it is compared"
                        + " with."));
            }
        }
        chunks(rows);
        return rows;
    }

    private void chunks(long rows) {
        if (!(export.mode() instanceof ChunkedMode m) || f.keyMin == null || f.keyMax == null) {
            return;
        }
        BigInteger span = BigInteger.valueOf(f.keyMax)
                .subtract(BigInteger.valueOf(f.keyMin));
        BigInteger count = span.divide(BigInteger.valueOf(m.chunkSize()))
                .add(BigInteger.ONE);
        report.fact("chunk_key_range", f.keyMin + ".." + f.keyMax);
        report.fact("chunks", count);
        if (count.compareTo(BigInteger.valueOf(MAX_CHUNKS)) > 0) {
            BigInteger size = span.divide(BigInteger.valueOf(MAX_CHUNKS))
                    .add(BigInteger.ONE);
            report.add(Finding.fail("too_many_chunks", "Export \"" + name + "\": the chunk key spans " + f.keyMin
                    + ".." + f.keyMax + ", which makes " + count + " chunks of " + m.chunkSize() + "; runs refuse"
                    + " more than " + Text.count(MAX_CHUNKS) + ".", "Raise chunk_size to at least " + size + "."));
            return;
        }
        long chunks = count.longValueExact();
        if (rows <= 0) {
            return;
        }
        long perChunk = rows / chunks;
        report.fact("rows_per_chunk_estimate", perChunk);
        if (chunks >= 1_000 && perChunk < SPARSE_CHUNK_ROWS) {
            long better = Math.max(m.chunkSize(), m.chunkSize() * (100_000 / Math.max(1, perChunk)));
            report.add(Finding.warn("sparse_chunks", "Export \"" + name + "\": " + Text.count(chunks)
                    + " chunks of " + Text.count(m.chunkSize()) + " key values hold only ~" + Text.count(perChunk)
                    + " rows each (the key is sparse); each chunk costs a transaction and a statement.",
                    "Raise chunk_size to about " + better + "."));
        } else if (perChunk > OVERSIZED_CHUNK_ROWS) {
            long better = Math.max(1, m.chunkSize() * 1_000_000 / perChunk);
            report.add(Finding.warn("oversized_chunks", "Export \"" + name + "\": each chunk holds ~"
                    + Text.count(perChunk) + " rows, read in one transaction.", "Lower chunk_size to about "
                    + better + " so each chunk's transaction stays short."));
        }
    }

    private void statistics() {
        if (f.table != null && f.table.rowEstimate() < 0 && !f.tableMissing) {
            report.add(Finding.info("stats_missing", "Export \"" + name + "\": " + f.table.name()
                    + " has no statistics yet (never analyzed), so row estimates and plans are guesses.",
                    fixSql(() -> f.inspector.analyzeSql(f.table.name()))));
        }
    }

    // ---------------------------------------------------------------- privileges

    private void privileges() {
        SourceInspector.Privileges p = f.privileges;
        if (p == null) {
            return;
        }
        report.fact("superuser", p.superuser());
        String fix = fixSql(() -> f.inspector.readOnlyRoleSql(f.server == null ? "<database>" : f.server.database(),
                f.readTables, needed() + 1));
        if (p.superuser()) {
            report.add(Finding.warn("superuser", "Export \"" + name + "\": user " + p.user() + " is a superuser."
                    + " Rivet's transactions are read-only, but a leaked credential of a superuser can do anything,"
                    + " and a superuser is not held to connection limits.",
                    "Connect as a user that may only read:\n" + fix));
        } else if (!p.writable().isEmpty()) {
            List<String> parts = new ArrayList<>();
            p.writable().forEach((t, privs) -> parts.add(String.join(", ", privs) + " on " + t));
            report.add(Finding.warn("write_privilege", "Export \"" + name + "\": user " + p.user() + " can "
                    + String.join("; ", parts) + ". Rivet's transactions are read-only, but a leaked credential"
                    + " could change data.", "Connect as a user that may only read:\n" + fix));
        }
        if (!p.superuser() && !p.otherPowers().isEmpty()) {
            report.add(Finding.info("extra_privileges", "Export \"" + name + "\": user " + p.user()
                    + " also holds " + String.join(", ", p.otherPowers()) + ", which an export does not need.",
                    "Connect as a user that may only read:\n" + fix));
        }
        if (!p.unreadable().isEmpty() && f.structure.stream().noneMatch(x -> x.code().equals("permission_denied"))) {
            report.add(Finding.fail("permission_denied", "Export \"" + name + "\": user " + p.user()
                    + " may not read " + String.join(", ", p.unreadable()) + ".",
                    "Grant the user SELECT on the table and USAGE on its schema."));
        }
    }

    // ---------------------------------------------------------------- replica

    private boolean replica() {
        SourceInspector.Server s = f.server;
        if (s == null) {
            return false;
        }
        if (!s.replica()) {
            report.add(Finding.info("primary", "Export \"" + name + "\": the source is a primary (it accepts"
                    + " writes); the export's reads compete with the application's.",
                    "Point the source at a read replica if there is one."));
            if (profile.name().equals("fast")) {
                report.add(Finding.warn("fast_on_primary", "Export \"" + name + "\": profile fast (no throttle, no"
                        + " statement or lock timeout, large batches) on a primary.",
                        "Use tuning.profile safe (busy primary) or balanced; fast is meant for replicas."));
            }
            return false;
        }
        Duration lag = s.replicationLag();
        report.add(Finding.info("replica", "Export \"" + name + "\": the source is a read replica"
                + (lag == null ? "" : ", " + Text.duration(lag) + " behind its primary") + ".", null));
        if (lag != null && lag.compareTo(REPLICATION_LAG) > 0) {
            report.add(Finding.warn("replication_lag", "Export \"" + name + "\": the replica's last replayed"
                    + " change is " + Text.duration(lag) + " old, so the export reads data at least that old. (On"
                    + " a primary without writes this age grows by itself; check the primary before acting.)",
                    "Wait for the replica to catch up, or read from the primary with profile safe."));
        }
        if (s.replicaCancelsLongReads()) {
            report.add(Finding.warn("replica_conflicts", "Export \"" + name + "\": on this replica a read that"
                    + " runs longer than " + setting(s, "max_standby_streaming_delay") + " can be cancelled when it"
                    + " conflicts with replay (hot_standby_feedback is off); a long single-snapshot read may never"
                    + " finish.", "Use mode chunked with small chunks so each transaction is short, or turn on"
                    + " hot_standby_feedback on the replica, or raise max_standby_streaming_delay."));
        }
        return true;
    }

    private static String setting(SourceInspector.Server s, String key) {
        return s.settings().getOrDefault(key, "its replay delay");
    }

    // ---------------------------------------------------------------- connections

    private int needed() {
        return export.mode() instanceof ChunkedMode m ? m.parallelism() + 1 : 1;
    }

    private String neededText() {
        return export.mode() instanceof ChunkedMode m ? needed() + " connections (parallel " + m.parallelism()
                + " + 1 for planning)" : "1 connection";
    }

    private void connections() {
        SourceInspector.Connections c = f.connections;
        if (c == null) {
            return;
        }
        report.fact("connections.server_limit", c.serverLimit());
        report.fact("connections.server_in_use", c.serverInUse() + (c.estimated() ? " (estimated)" : ""));
        report.fact("connections.user_limit", c.userLimit() < 0 ? "none" : c.userLimit());
        report.fact("connections.user_in_use", c.userInUse());
        report.fact("connections.database_limit", c.databaseLimit() < 0 ? "none" : c.databaseLimit());
        report.fact("connections.database_in_use", c.databaseInUse());
        int needed = needed();
        String user = f.server == null ? "the user" : "user " + f.server.user();
        String database = f.server == null ? "the database" : "database " + f.server.database();
        // The counts include this check's own session, which is closed before a run opens its connections.
        if (tooFew(c.userLimit(), c.userInUse(), needed, user + " may open at most " + c.userLimit()
                + " connections (its connection limit)", "raise the user's connection limit to at least "
                + (c.userInUse() - 1 + needed))) {
            return;
        }
        if (tooFew(c.databaseLimit(), c.databaseInUse(), needed, database + " accepts at most "
                + c.databaseLimit() + " connections", "raise the database's connection limit to at least "
                + (c.databaseInUse() - 1 + needed))) {
            return;
        }
        if (tooFew(c.serverLimit(), c.serverInUse(), needed, "the server accepts " + c.serverLimit()
                + " connections from " + user, "raise max_connections, or close idle sessions")) {
            return;
        }
        int free = c.serverLimit() - (c.serverInUse() - 1);
        int left = free - needed;
        int margin = Math.max(3, c.serverLimit() / 10);
        if (left < margin) {
            report.add(Finding.warn("connection_headroom_low", "Export \"" + name + "\": after Rivet's "
                    + neededText() + " only " + left + " of the server's " + c.serverLimit() + " connections stay"
                    + " free for other clients" + (c.estimated() ? " (other users' sessions are partly hidden;"
                    + " the count is estimated)" : "") + ".", "Lower parallel, or run when fewer sessions are open."));
        }
    }

    /** Adds a FAIL when {@code needed} exceeds what {@code limit} leaves; returns whether it did. */
    private boolean tooFew(int limit, int inUse, int needed, String what, String raise) {
        if (limit < 0) {
            return false;
        }
        int free = Math.max(0, limit - (inUse - 1));
        if (needed <= free) {
            return false;
        }
        String lower = export.mode() instanceof ChunkedMode && free >= 2
                ? "Lower parallel to " + (free - 1) + ", or " + raise + "." : capitalize(raise) + ".";
        report.add(Finding.fail("connection_headroom", "Export \"" + name + "\" needs " + neededText() + ", but "
                + what + " and " + (inUse - 1) + " are already open besides this check, leaving " + free + ".",
                lower));
        return true;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---------------------------------------------------------------- timeouts

    private void timeouts() {
        SourceInspector.Server s = f.server;
        boolean single = !(export.mode() instanceof ChunkedMode);
        if (s != null) {
            report.add(Finding.info("timeouts", "Export \"" + name + "\": new sessions of user " + s.user()
                    + " get statement timeout " + Text.duration(s.statementTimeout()) + ", lock timeout "
                    + Text.duration(s.lockTimeout()) + " and idle-in-transaction timeout "
                    + Text.duration(s.idleInTransactionTimeout()) + "; Rivet's own transactions set statement"
                    + " timeout " + Text.duration(profile.statementTimeout()) + " (per fetched batch) and lock"
                    + " timeout " + Text.duration(profile.lockTimeout()) + " from profile " + profile.name() + ".",
                    null));
            Duration idle = s.idleInTransactionTimeout();
            if (idle != null && !idle.isZero() && !idle.isNegative()) {
                Duration pause = profile.throttle();
                if (single && !pause.isZero() && pause.compareTo(idle) >= 0) {
                    report.add(Finding.fail("idle_in_transaction_timeout", "Export \"" + name + "\": the server"
                            + " ends a transaction idle for " + Text.duration(idle) + ", and profile " + profile.name()
                            + " pauses " + Text.duration(pause) + " between batches inside the export's single"
                            + " transaction, so the run would be cut off.", "Lower tuning.throttle_ms below "
                            + idle.toMillis() + ", use mode chunked (it pauses between chunk transactions), or raise"
                            + " the user's idle-in-transaction timeout."));
                } else if (idle.compareTo(SHORT_IDLE_TIMEOUT) < 0) {
                    report.add(Finding.warn("idle_in_transaction_timeout", "Export \"" + name + "\": the server"
                            + " ends a transaction idle for " + Text.duration(idle) + "; Rivet's transaction is"
                            + " idle while its writer catches up (a slow sink) or the profile's throttle pauses.",
                            "Raise the user's idle-in-transaction timeout to a few minutes, or set it to 0 for"
                                    + " Rivet's user."));
                }
            }
        }
        boolean replica = s != null && s.replica();
        if (!replica && !profile.name().equals("fast")
                && (profile.statementTimeout().isZero() || profile.lockTimeout().isZero())) {
            report.add(Finding.warn("timeouts_off", "Export \"" + name + "\": profile " + profile.name()
                    + " sets " + (profile.statementTimeout().isZero() ? "no statement timeout" : "")
                    + (profile.statementTimeout().isZero() && profile.lockTimeout().isZero() ? " and " : "")
                    + (profile.lockTimeout().isZero() ? "no lock timeout" : "") + " on a primary; a runaway"
                    + " statement or a lock wait is then not bounded.",
                    "Set tuning.statement_timeout_s (60-300) and tuning.lock_timeout_s (10-30)."));
        }
    }

    // ---------------------------------------------------------------- transactions

    private void transactions() {
        SourceInspector.Transactions t = f.transactions;
        if (t == null) {
            return;
        }
        if (!t.longRunning().isEmpty()) {
            List<String> shown = new ArrayList<>();
            for (SourceInspector.LongTransaction l : t.longRunning().subList(0, Math.min(5, t.longRunning().size()))) {
                shown.add("session " + l.sessionId() + " (user " + l.user() + ", " + l.state() + ", open "
                        + Text.duration(l.age()) + ")");
            }
            report.add(Finding.warn("long_transactions", "Export \"" + name + "\": " + t.longRunning().size()
                    + (t.longRunning().size() >= 20 ? " or more" : "") + " other transactions have been open for"
                    + " more than " + Text.duration(LONG_TRANSACTION) + ": " + String.join(", ", shown)
                    + (t.longRunning().size() > 5 ? ", ..." : "") + ". They hold back " + cleanup() + " (old row"
                    + " versions pile up until they end), and a long export snapshot adds to that.",
                    "Find them with " + fixSql(() -> f.inspector.longTransactionsSql(LONG_TRANSACTION))
                            + " then end them or run the export when they are gone."));
        }
        report.fact("sessions_hidden", t.hiddenSessions());
        if (t.hiddenSessions() > 0) {
            String user = f.server == null ? "the user" : f.server.user();
            report.add(Finding.info("sessions_hidden", "Export \"" + name + "\": " + t.hiddenSessions()
                    + " sessions of other users are hidden from " + user + ", so their transactions were not"
                    + " checked for age.", fixSql(() -> f.inspector.seeAllSessionsSql(user))));
        }
    }

    // ---------------------------------------------------------------- snapshot length

    private void snapshot(long rows) {
        boolean replica = f.server != null && f.server.replica();
        if (replica || f.server == null || rows < BIG_TABLE_ROWS) {
            return;
        }
        Export e = export;
        boolean firstIncremental = e.mode() instanceof IncrementalMode && f.storedCursor == null;
        if (e.mode() instanceof FullMode || e.mode() instanceof TimeWindowMode || firstIncremental) {
            report.add(Finding.warn("long_snapshot", "Export \"" + name + "\": " + (firstIncremental
                    ? "the first incremental run" : "each run") + " reads ~" + Text.count(rows) + " rows in one"
                    + " transaction on a primary; while it is open, " + cleanup() + " cannot remove row versions changed"
                    + " after it began.",
                    "Use mode chunked (a chunk_column with an index) so each transaction covers one chunk"
                            + (firstIncremental ? ", for the first load" : "") + "."));
        }
    }

    // ---------------------------------------------------------------- profile

    private void recommend(long rows) {
        long tableRows = f.table == null ? -1 : f.table.rowEstimate();
        long bytes = f.table == null ? -1 : f.table.totalBytes();
        Boolean replica = f.server == null ? null : f.server.replica();
        ProfileAdvice advice = ProfileAdvice.of(replica, Math.max(rows, tableRows), bytes);
        report.recommendedProfile(advice.profile(), advice.reason());
        if (!advice.profile().name().equals(profile.name())) {
            report.add(Finding.info("profile", "Export \"" + name + "\" uses profile " + profile.name() + "; "
                    + advice.profile().name() + " is recommended: " + advice.reason() + ".",
                    "tuning: {profile: " + advice.profile().name() + "}"));
        }
    }

    // ---------------------------------------------------------------- not checked

    private void notChecked() {
        if (f.inspector == null) {
            report.add(Finding.info("not_checked", "Export \"" + name + "\": Rivet has no preflight probes for"
                    + " dialect " + f.dialect + " yet; only the table or query, its columns and their types were"
                    + " checked (not indexes, privileges, replica, connections, timeouts or transactions).", null));
        }
        for (String[] n : f.notChecked) {
            report.add(Finding.info("not_checked", "Export \"" + name + "\": could not check " + n[0] + ": "
                    + n[1] + ".", "Grant the user read access to that information, or check it by hand."));
        }
    }

    // ---------------------------------------------------------------- helpers

    private String cleanup() {
        return f.inspector == null ? "the cleanup of old row versions" : f.inspector.rowVersionCleanup();
    }

    private String fixSql(Supplier<String> sql) {
        return f.inspector == null ? null : sql.get();
    }

    private String fixSqlSuffix(Supplier<String> sql) {
        return f.inspector == null ? "" : " (" + sql.get() + ")";
    }
}
