package io.rivet.core.internal.plan;

import io.rivet.ChunkedMode;
import io.rivet.Export;
import io.rivet.FullMode;
import io.rivet.IncrementalMode;
import io.rivet.Mode;
import io.rivet.TimeWindowMode;
import io.rivet.core.internal.util.Hex;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.Dialect;
import io.rivet.exception.RivetConfigException;
import io.rivet.state.CursorState;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns an export into tasks, running its few planning queries (bounds, NULL probe, cursor upper bound) on a
 * connection that is already inside the export's read-only snapshot. Mode semantics are those of DESIGN.md section 5.
 */
public final class Planner {
    /** Refuse plans with more chunks than this: the key is too sparse for the chunk size. */
    static final long MAX_CHUNKS = 1_000_000;

    private static final Set<ColumnType.Kind> INTEGER_KEYS =
            EnumSet.of(ColumnType.Kind.INT16, ColumnType.Kind.INT32, ColumnType.Kind.INT64);
    private static final Set<ColumnType.Kind> TIME_KINDS = EnumSet.of(ColumnType.Kind.DATE,
            ColumnType.Kind.TIMESTAMP_MICROS, ColumnType.Kind.TIMESTAMP_MICROS_UTC);

    private final Export export;
    private final Dialect dialect;
    private final String from;
    private final String target;

    /** Creates a planner for {@code export} speaking {@code dialect}. */
    public Planner(Export export, Dialect dialect) {
        this.export = export;
        this.dialect = dialect;
        if (export.table() != null) {
            this.from = dialect.quoteTable(export.table());
            this.target = "\"" + export.table() + "\"";
        } else {
            this.from = "(" + singleStatement(export.query()) + ") AS _rivet_q";
            this.target = "the query";
        }
    }

    /** The SELECT of every row of the export's table or query. */
    public String baseSql() {
        return "SELECT * FROM " + from;
    }

    /** How messages name the export's relation: {@code "schema.table"} or {@code the query}. */
    public String target() {
        return target;
    }

    /**
     * Plans the export. {@code columns} come from describing {@link #baseSql()}; {@code lastCursor} is the stored
     * cursor of an incremental export (or null).
     */
    public ExportPlan plan(Connection connection, List<Column> columns, CursorState lastCursor) throws SQLException {
        Mode mode = export.mode();
        if (mode instanceof FullMode) {
            return single(columns, baseSql(), "all rows", Map.of(), null);
        }
        if (mode instanceof IncrementalMode m) {
            return incremental(connection, columns, m, lastCursor);
        }
        if (mode instanceof TimeWindowMode m) {
            return timeWindow(connection, columns, m);
        }
        if (mode instanceof ChunkedMode m) {
            return chunked(connection, columns, m);
        }
        throw new RivetConfigException(export.name(), "Export \"" + export.name() + "\": mode "
                + mode.name() + " is not supported by this engine.", null);
    }

    private ExportPlan single(List<Column> columns, String sql, String range, Map<String, String> details,
            CursorState next) {
        ChunkTask task = new ChunkTask(0, 1, sql, null, null, range);
        return new ExportPlan(columns, List.of(task), false, fingerprint(sql), details, next, -1);
    }

    private ExportPlan incremental(Connection c, List<Column> columns, IncrementalMode m, CursorState last)
            throws SQLException {
        Column cursor = column(columns, m.cursorColumn(), "cursor_column");
        Column key = m.tieBreaker() == null ? null : column(columns, m.tieBreaker(), "tie_breaker_column");
        String qc = dialect.quoteIdentifier(cursor.name());
        String qk = key == null ? null : dialect.quoteIdentifier(key.name());
        // The upper bound is read in the export's own snapshot, so every row at or below it is in this run's read.
        String upperSql = "SELECT " + qc + (key == null ? "" : ", " + qk) + " FROM " + from + " WHERE " + qc
                + " IS NOT NULL ORDER BY " + qc + " DESC" + (key == null ? "" : ", " + qk + " DESC") + " LIMIT 1";
        String upper = null;
        String upperKey = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(upperSql)) {
            if (rs.next()) {
                upper = rs.getString(1);
                upperKey = key == null ? null : rs.getString(2);
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("cursor_column", cursor.name());
        if (key != null) {
            details.put("tie_breaker_column", key.name());
        }
        details.put("cursor_from", last == null ? null : last.value());
        if (upper == null) {
            // Nothing has a cursor value: an empty read that still carries the schema.
            details.put("cursor_to", last == null ? null : last.value());
            return single(columns, baseSql() + " WHERE 1 = 0", "no rows", details, null);
        }
        List<String> predicates = new ArrayList<>();
        if (last != null) {
            if (key != null && last.tieBreakerValue() != null) {
                predicates.add("(" + qc + ", " + qk + ") > (" + dialect.literal(last.value(), cursor) + ", "
                        + dialect.literal(last.tieBreakerValue(), key) + ")");
            } else {
                predicates.add(qc + " > " + dialect.literal(last.value(), cursor));
            }
        }
        if (key != null) {
            predicates.add("(" + qc + ", " + qk + ") <= (" + dialect.literal(upper, cursor) + ", "
                    + dialect.literal(upperKey, key) + ")");
        } else {
            predicates.add(qc + " <= " + dialect.literal(upper, cursor));
        }
        details.put("cursor_to", upper);
        if (key != null) {
            details.put("cursor_to_key", upperKey);
        }
        String sql = baseSql() + " WHERE " + String.join(" AND ", predicates);
        String range = cursor.name() + " " + (last == null ? "(start)" : last.value()) + " .. " + upper;
        CursorState next = new CursorState(upper, upperKey, null, Instant.now());
        return single(columns, sql, range, details, next);
    }

    private ExportPlan timeWindow(Connection c, List<Column> columns, TimeWindowMode m) throws SQLException {
        Column col = column(columns, m.column(), "time_column");
        if (!TIME_KINDS.contains(col.type().kind())) {
            throw config("time_column \"" + col.name() + "\" has type " + col.sourceTypeName()
                    + "; time_window needs a date, timestamp or timestamptz column.");
        }
        String start = dialect.nowMinusSeconds(m.window().toSeconds());
        String startText;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + start)) {
            rs.next();
            startText = rs.getString(1);
        }
        // Compare with the literal read in this snapshot: the manifest then states exactly the window exported.
        String sql = baseSql() + " WHERE " + dialect.quoteIdentifier(col.name()) + " >= " + start;
        Map<String, String> details = new LinkedHashMap<>();
        details.put("time_column", col.name());
        details.put("window_seconds", Long.toString(m.window().toSeconds()));
        details.put("window_start", startText);
        return single(columns, sql, col.name() + " >= " + startText, details, null);
    }

    private ExportPlan chunked(Connection c, List<Column> columns, ChunkedMode m) throws SQLException {
        Column key;
        if (m.column() != null) {
            key = column(columns, m.column(), "chunk_column");
        } else {
            List<String> pk = dialect.primaryKey(c, export.table());
            if (pk.size() != 1) {
                throw config("table " + target + " has no single-column primary key to chunk by. Set chunk_column"
                        + " (Mode.chunked(\"column\")) to an integer column without NULLs.");
            }
            key = column(columns, pk.get(0), "chunk_column");
        }
        if (!INTEGER_KEYS.contains(key.type().kind())) {
            throw config("chunk_column \"" + key.name() + "\" has type " + key.sourceTypeName()
                    + "; chunked mode needs an integer column. Choose an integer key, or use mode incremental.");
        }
        String qk = dialect.quoteIdentifier(key.name());
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 FROM " + from + " WHERE " + qk + " IS NULL LIMIT 1")) {
            if (rs.next()) {
                throw config("chunk_column \"" + key.name() + "\" of " + target + " holds NULLs, which key ranges"
                        + " would silently drop. Chunk by a NOT NULL column (e.g. the primary key), or use mode full.");
            }
        }
        long min;
        long max;
        boolean empty;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MIN(" + qk + "), MAX(" + qk + ") FROM " + from)) {
            rs.next();
            min = rs.getLong(1);
            empty = rs.wasNull();
            max = rs.getLong(2);
        }
        long size = m.chunkSize();
        String base = baseSql() + " WHERE " + qk + " BETWEEN ";
        Map<String, String> details = new LinkedHashMap<>();
        details.put("chunk_column", key.name());
        details.put("chunk_size", Long.toString(size));
        String fingerprint = fingerprint(baseSql() + "|chunked|" + key.name() + "|" + size);
        List<ChunkTask> tasks = new ArrayList<>();
        if (empty) {
            details.put("key_min", null);
            details.put("key_max", null);
            return new ExportPlan(columns, tasks, true, fingerprint, details, null, 0);
        }
        BigInteger count = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min))
                .divide(BigInteger.valueOf(size)).add(BigInteger.ONE);
        if (count.compareTo(BigInteger.valueOf(MAX_CHUNKS)) > 0) {
            throw config("chunk_column \"" + key.name() + "\" spans " + min + ".." + max + ", which makes " + count
                    + " chunks of " + size + "; the limit is " + MAX_CHUNKS + ". Raise chunk_size.");
        }
        int n = count.intValueExact();
        details.put("key_min", Long.toString(min));
        details.put("key_max", Long.toString(max));
        for (int i = 0; i < n; i++) {
            long lo = min + (long) i * size;
            // Saturate: the last window must not overflow past Long.MAX_VALUE.
            long hi = (max - lo) < size ? max : lo + size - 1;
            tasks.add(new ChunkTask(i, n, base + lo + " AND " + hi, Long.toString(lo), Long.toString(hi),
                    key.name() + " " + lo + ".." + hi));
        }
        long estimate = export.table() == null ? -1 : dialect.estimateRows(c, export.table());
        return new ExportPlan(columns, tasks, true, fingerprint, details, null, estimate);
    }

    /** Rebuilds the task list of a stored chunk plan (for resume) from bounds, with this export's SQL. */
    public ChunkTask chunkTask(String keyColumn, int index, int count, String lower, String upper) {
        String sql = baseSql() + " WHERE " + dialect.quoteIdentifier(keyColumn) + " BETWEEN "
                + Long.parseLong(lower) + " AND " + Long.parseLong(upper);
        return new ChunkTask(index, count, sql, lower, upper, keyColumn + " " + lower + ".." + upper);
    }

    /** Finds a column by exact name, then ignoring case; a miss names the key and lists the columns. */
    public Column column(List<Column> columns, String name, String key) {
        for (Column c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        for (Column c : columns) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        List<String> names = columns.stream().map(Column::name).toList();
        throw config(key + " \"" + name + "\" is not a column of " + target + " (columns: "
                + String.join(", ", names) + ").");
    }

    private RivetConfigException config(String problem) {
        return new RivetConfigException(export.name(), "Export \"" + export.name() + "\": " + problem, null);
    }

    private String fingerprint(String text) {
        return Hex.sha256(text).substring(0, 16);
    }

    /**
     * Strips trailing semicolons and refuses a query holding several statements: the query is wrapped as a subquery,
     * and a second statement would run unchecked.
     */
    String singleStatement(String query) {
        String q = query.strip();
        while (q.endsWith(";")) {
            q = q.substring(0, q.length() - 1).strip();
        }
        int i = 0;
        while (i < q.length()) {
            char ch = q.charAt(i);
            if (ch == '\'' || ch == '"' || ch == '`') {
                int end = q.indexOf(ch, i + 1);
                while (end > 0 && end + 1 < q.length() && q.charAt(end + 1) == ch) {
                    end = q.indexOf(ch, end + 2);
                }
                i = end < 0 ? q.length() : end + 1;
            } else if (ch == '-' && q.startsWith("--", i)) {
                int end = q.indexOf('\n', i);
                i = end < 0 ? q.length() : end + 1;
            } else if (ch == '/' && q.startsWith("/*", i)) {
                int end = q.indexOf("*/", i + 2);
                i = end < 0 ? q.length() : end + 2;
            } else if (ch == '$') {
                int close = q.indexOf('$', i + 1);
                String tag = close < 0 ? null : q.substring(i, close + 1);
                if (tag != null && tag.matches("\\$[A-Za-z_]*\\$")) {
                    int end = q.indexOf(tag, close + 1);
                    i = end < 0 ? q.length() : end + tag.length();
                } else {
                    i++;
                }
            } else if (ch == ';') {
                throw config("the query holds more than one statement (a ';' at offset " + i
                        + "). Export one SELECT per export.");
            } else {
                i++;
            }
        }
        if (q.isEmpty()) {
            throw config("the query is empty.");
        }
        String lower = q.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("select") || lower.startsWith("with") || lower.startsWith("values")
                || lower.startsWith("("))) {
            throw config("the query must be a SELECT (or WITH ... SELECT); it starts with \""
                    + q.substring(0, Math.min(20, q.length())) + "\".");
        }
        return q;
    }
}
