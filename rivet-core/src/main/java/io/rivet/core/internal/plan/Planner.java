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
import io.rivet.core.spi.KeysetPaging;
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

    /** Key kinds keyset chunking refuses: floats compare inexactly, JSON and lists have no useful order. */
    private static final Set<ColumnType.Kind> UNORDERED_KEYS = EnumSet.of(ColumnType.Kind.FLOAT32,
            ColumnType.Kind.FLOAT64, ColumnType.Kind.JSON, ColumnType.Kind.LIST);

    private final Export export;
    private final Dialect dialect;
    private final String from;
    private final String target;
    /** The key of the last keyset plan, so {@link #chunkTask} can rebuild its tasks on resume; null for ranges. */
    private List<Column> keysetKey;
    /** The primary key the last plan pages by (dialects with {@link Dialect#pagesByKey()}), or null. */
    private List<String> pagingKey;

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
            List<String> pk = pagingKeyFor(connection, List.of());
            ExportPlan plan = single(columns, baseSql(), "all rows", Map.of(), null);
            if (pk == null) {
                return plan;
            }
            // One snapshot, read in short keyset statements instead of one long SELECT (docs/design/007).
            ChunkTask task = plan.tasks().get(0);
            return new ExportPlan(columns, List.of(new ChunkTask(0, 1, task.sql(), null, null, task.range(),
                    new KeysetPaging(from, null, pk))), false, plan.fingerprint(), plan.modeDetails(), null, -1);
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
                upper = dialect.keyText(rs, 1, cursor);
                upperKey = key == null ? null : dialect.keyText(rs, 2, key);
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
                predicates.add(dialect.keyPredicate(List.of(qc, qk), ">", List.of(dialect.literal(last.value(), cursor),
                        dialect.literal(last.tieBreakerValue(), key))));
            } else {
                predicates.add(qc + " > " + dialect.literal(last.value(), cursor));
            }
        }
        if (key != null) {
            // Through the dialect: MariaDB range-scans only the expanded form of a row-value comparison.
            predicates.add(dialect.keyPredicate(List.of(qc, qk), "<=", List.of(dialect.literal(upper, cursor),
                    dialect.literal(upperKey, key))));
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
        keysetKey = null;
        pagingKey = null;
        List<Column> keys;
        boolean primary = false;
        if (m.column() != null) {
            keys = List.of(column(columns, m.column(), "chunk_column"));
        } else {
            List<String> pk = export.table() == null ? List.of() : dialect.primaryKeyColumns(c, export.table());
            if (pk.isEmpty()) {
                throw config((export.table() == null ? "a query" : "table " + target) + " has no primary key to"
                        + " chunk by. Set chunk_column (Mode.chunked(\"column\")) to a column without NULLs.");
            }
            keys = new ArrayList<>();
            for (String name : pk) {
                keys.add(column(columns, name, "chunk_column"));
            }
            primary = true;
        }
        if (keys.size() == 1 && INTEGER_KEYS.contains(keys.get(0).type().kind())) {
            return rangeChunks(c, columns, keys.get(0), m, primary);
        }
        return keysetChunks(c, columns, keys, m, primary);
    }

    /** Integer key ranges {@code [lo, lo + size - 1]} from MIN and MAX (DESIGN.md section 5). */
    private ExportPlan rangeChunks(Connection c, List<Column> columns, Column key, ChunkedMode m, boolean primary)
            throws SQLException {
        String qk = dialect.quoteIdentifier(key.name());
        if (!primary) {
            refuseNulls(c, List.of(key));
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
        pagingKey = pagingKeyFor(c, List.of(key.name()));
        int n = count.intValueExact();
        details.put("key_min", Long.toString(min));
        details.put("key_max", Long.toString(max));
        for (int i = 0; i < n; i++) {
            long lo = min + (long) i * size;
            // Saturate: the last window must not overflow past Long.MAX_VALUE.
            long hi = (max - lo) < size ? max : lo + size - 1;
            tasks.add(rangeTask(key.name(), i, n, lo, hi));
        }
        long estimate = export.table() == null ? -1 : dialect.estimateRows(c, export.table());
        return new ExportPlan(columns, tasks, true, fingerprint, details, null, estimate);
    }

    private ChunkTask rangeTask(String keyColumn, int index, int count, long lo, long hi) {
        String filter = dialect.quoteIdentifier(keyColumn) + " BETWEEN " + lo + " AND " + hi;
        return new ChunkTask(index, count, baseSql() + " WHERE " + filter, Long.toString(lo), Long.toString(hi),
                keyColumn + " " + lo + ".." + hi, paging(filter));
    }

    /**
     * Keyset chunks over any ordered key (text, date, timestamp, decimal, uuid, or a composite primary key): the
     * boundaries are walked up front in the planning snapshot, each one {@code chunkSize} rows after the previous
     * ({@code ORDER BY key LIMIT 1 OFFSET size-1}, one pass over the key's index), so every chunk holds
     * {@code chunkSize} rows at planning time. Chunk {@code i} reads {@code key > b[i-1] AND key <= b[i]}; the first
     * has no lower bound and the last ends at the key's maximum at planning time, as integer ranges do.
     */
    private ExportPlan keysetChunks(Connection c, List<Column> columns, List<Column> keys, ChunkedMode m,
            boolean primary) throws SQLException {
        for (Column k : keys) {
            if (UNORDERED_KEYS.contains(k.type().kind())) {
                throw config("chunk_column \"" + k.name() + "\" has type " + k.sourceTypeName() + ", which cannot"
                        + " delimit chunks exactly. Chunk by an integer, text, date, timestamp, decimal or uuid key"
                        + " (the primary key by default).");
            }
        }
        if (!primary) {
            refuseNulls(c, keys);
        }
        long size = m.chunkSize();
        List<String> names = keys.stream().map(Column::name).toList();
        String keyList = String.join(", ", names);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("chunk_column", String.join(",", names));
        details.put("chunking", "keyset");
        details.put("chunk_size", Long.toString(size));
        String fingerprint = fingerprint(baseSql() + "|chunked-keyset|" + String.join(",", names) + "|" + size);
        long estimate = export.table() == null ? -1 : dialect.estimateRows(c, export.table());
        if (estimate > 0 && estimate / size > MAX_CHUNKS) {
            throw config("about " + estimate + " rows in chunks of " + size + " rows make more than " + MAX_CHUNKS
                    + " chunks. Raise chunk_size.");
        }
        List<String> quoted = keys.stream().map(k -> dialect.quoteIdentifier(k.name())).toList();
        String ascending = String.join(", ", quoted);
        String descending = String.join(" DESC, ", quoted) + " DESC";
        String select = "SELECT " + ascending + " FROM " + from;
        List<List<String>> bounds = new ArrayList<>();
        List<String> previous = null;
        while (true) {
            String after = previous == null ? "" : " WHERE " + predicate(keys, ">", previous);
            List<String> b = readKey(c, select + after + " ORDER BY " + ascending + " LIMIT 1 OFFSET " + (size - 1),
                    keys);
            if (b == null) {
                List<String> last = readKey(c, select + after + " ORDER BY " + descending + " LIMIT 1", keys);
                if (last != null) {
                    bounds.add(last);
                }
                break;
            }
            bounds.add(b);
            previous = b;
            if (bounds.size() > MAX_CHUNKS) {
                throw config("the key (" + keyList + ") in chunks of " + size + " rows makes more than " + MAX_CHUNKS
                        + " chunks. Raise chunk_size.");
            }
        }
        keysetKey = List.copyOf(keys);
        pagingKey = pagingKeyFor(c, names);
        int n = bounds.size();
        details.put("chunks", Integer.toString(n));
        List<ChunkTask> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(keysetTask(i, n, i == 0 ? null : bounds.get(i - 1), bounds.get(i)));
        }
        return new ExportPlan(columns, tasks, true, fingerprint, details, null, estimate);
    }

    private ChunkTask keysetTask(int index, int count, List<String> lower, List<String> upper) {
        String filter = (lower == null ? "" : predicate(keysetKey, ">", lower) + " AND ")
                + predicate(keysetKey, "<=", upper);
        String keyList = keysetKey.stream().map(Column::name).collect(java.util.stream.Collectors.joining(", "));
        // The range names the key, never its values: they are row data.
        return new ChunkTask(index, count, baseSql() + " WHERE " + filter,
                lower == null ? null : KeyTuple.encode(lower), KeyTuple.encode(upper),
                "(" + keyList + ") keyset range " + (index + 1), paging(filter));
    }

    private String predicate(List<Column> keys, String op, List<String> values) {
        List<String> quoted = new ArrayList<>(keys.size());
        List<String> literals = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            quoted.add(dialect.quoteIdentifier(keys.get(i).name()));
            literals.add(dialect.literal(values.get(i), keys.get(i)));
        }
        return dialect.keyPredicate(quoted, op, literals);
    }

    private List<String> readKey(Connection c, String sql, List<Column> keys) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return null;
            }
            List<String> values = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                values.add(dialect.keyText(rs, i + 1, keys.get(i)));
            }
            return values;
        }
    }

    private void refuseNulls(Connection c, List<Column> keys) throws SQLException {
        for (Column key : keys) {
            String qk = dialect.quoteIdentifier(key.name());
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1 FROM " + from + " WHERE " + qk + " IS NULL LIMIT 1")) {
                if (rs.next()) {
                    throw config("chunk_column \"" + key.name() + "\" of " + target + " holds NULLs, which key ranges"
                            + " would silently drop. Chunk by a NOT NULL column (e.g. the primary key), or use mode"
                            + " full.");
                }
            }
        }
    }

    /**
     * The primary key to page by when the dialect reads in keyset pages and the rows are filtered by a prefix of that
     * key ({@code filterKey}; empty for every row): ordering by the primary key then walks its index. Null otherwise,
     * and always for queries (no key is known to be unique).
     */
    private List<String> pagingKeyFor(Connection c, List<String> filterKey) throws SQLException {
        if (!dialect.pagesByKey() || export.table() == null) {
            return null;
        }
        List<String> pk = dialect.primaryKeyColumns(c, export.table());
        if (pk.isEmpty() || filterKey.size() > pk.size()) {
            return null;
        }
        for (int i = 0; i < filterKey.size(); i++) {
            if (!pk.get(i).equalsIgnoreCase(filterKey.get(i))) {
                return null;
            }
        }
        return pk;
    }

    private KeysetPaging paging(String filter) {
        return pagingKey == null ? null : new KeysetPaging(from, filter, pagingKey);
    }

    /**
     * Rebuilds a task of the last chunk plan (for resume) from its stored bounds, with this export's SQL; call after
     * {@link #plan} of the same export.
     *
     * @throws IllegalArgumentException when the stored bounds do not parse (a corrupted checkpoint)
     */
    public ChunkTask chunkTask(String keyColumn, int index, int count, String lower, String upper) {
        if (keysetKey != null) {
            List<String> lo = lower == null ? null : KeyTuple.decode(lower);
            List<String> hi = KeyTuple.decode(upper);
            if ((lo != null && lo.size() != keysetKey.size()) || hi.size() != keysetKey.size()) {
                throw new IllegalArgumentException("chunk " + index + " has bounds of another key");
            }
            return keysetTask(index, count, lo, hi);
        }
        return rangeTask(keyColumn, index, count, Long.parseLong(lower), Long.parseLong(upper));
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
