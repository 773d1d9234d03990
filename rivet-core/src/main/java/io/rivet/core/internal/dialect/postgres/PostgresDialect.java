package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.spi.SourceInspector;
import io.rivet.exception.ColumnMappingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The PostgreSQL dialect (see docs/design/003-postgres-dialect.md). Stateless and thread-safe; every method works on
 * a connection the caller owns and never closes it.
 *
 * <p>A snapshot is one {@code REPEATABLE READ, READ ONLY} transaction whose settings are all {@code SET LOCAL}
 * (TimeZone UTC, statement and lock timeouts, bytea hex output, exact float text), so they end with the transaction
 * and a pooled connection returns clean.
 */
public final class PostgresDialect implements Dialect {

    /** Creates the dialect. */
    public PostgresDialect() {
    }

    @Override
    public String name() {
        return PostgresDialectProvider.NAME;
    }

    /**
     * Turns auto-commit off and starts a {@code REPEATABLE READ, READ ONLY} transaction: every statement until
     * {@link #endSnapshot} sees the same snapshot (taken at the first query), so an incremental upper bound and the
     * rows it bounds agree. Sets, for the transaction only: TimeZone UTC, {@code statement_timeout} and
     * {@code lock_timeout} in milliseconds (zero or null: none), {@code bytea_output = hex} and
     * {@code extra_float_digits = 3} (the text renderings the reader parses).
     */
    @Override
    public void beginSnapshot(Connection connection, SessionSettings settings) throws SQLException {
        connection.setAutoCommit(false);
        long statementMs = millis(settings == null ? null : settings.statementTimeout());
        long lockMs = millis(settings == null ? null : settings.lockTimeout());
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
                    + " SET LOCAL TimeZone = 'UTC';"
                    + " SET LOCAL statement_timeout = " + statementMs + ";"
                    + " SET LOCAL lock_timeout = " + lockMs + ";"
                    + " SET LOCAL bytea_output = 'hex';"
                    + " SET LOCAL extra_float_digits = 3");
        }
    }

    private static long millis(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            return 0;
        }
        // Round up: a sub-millisecond timeout must not turn into "no timeout".
        long ms = d.toMillis();
        return d.equals(Duration.ofMillis(ms)) ? ms : ms + 1;
    }

    /** Rolls back (nothing was written; this also drops the LOCAL settings and any cursor) and turns auto-commit on. */
    @Override
    public void endSnapshot(Connection connection) throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * Describes {@code selectSql} with {@code SELECT * FROM (<sql>) LIMIT 0}, which plans the query but reads no
     * rows, then maps each column's type. A plain Statement is used so a {@code ?} operator (jsonb) in the query is
     * not taken for a parameter.
     *
     * @throws ColumnMappingException for the first unmappable column; its message lists every such column
     */
    @Override
    public List<Column> describe(Connection connection, String selectSql, String exportName) throws SQLException {
        List<String[]> raw = new ArrayList<>();
        try (Statement s = connection.createStatement()) {
            s.setEscapeProcessing(false);
            try (ResultSet rs = s.executeQuery("SELECT * FROM (" + stripTerminator(selectSql) + "\n) _rivet LIMIT 0")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    raw.add(new String[] {md.getColumnLabel(i), md.getColumnTypeName(i),
                        Integer.toString(md.getPrecision(i)), Integer.toString(md.getScale(i))});
                }
            }
        }
        List<Column> columns = new ArrayList<>(raw.size());
        List<String[]> unsupported = new ArrayList<>();
        for (String[] r : raw) {
            ColumnType type = PostgresTypeMapper.map(r[1], Integer.parseInt(r[2]), Integer.parseInt(r[3]), connection);
            if (type == null) {
                unsupported.add(r);
            } else {
                columns.add(new Column(r[0], type, r[1]));
            }
        }
        if (!unsupported.isEmpty()) {
            throw mappingError(exportName, unsupported);
        }
        return List.copyOf(columns);
    }

    private static ColumnMappingException mappingError(String exportName, List<String[]> unsupported) {
        StringBuilder m = new StringBuilder("Export \"").append(exportName).append("\": ");
        if (unsupported.size() == 1) {
            String[] r = unsupported.get(0);
            m.append("column \"").append(r[0]).append("\" has PostgreSQL type \"").append(displayType(r[1]))
                    .append("\", which Rivet cannot write faithfully. Cast it in a query, e.g. ")
                    .append(castExample(r[0])).append(", or leave it out of the column list.");
        } else {
            m.append(unsupported.size()).append(" columns have PostgreSQL types Rivet cannot write faithfully: ");
            for (int i = 0; i < unsupported.size(); i++) {
                String[] r = unsupported.get(i);
                m.append(i == 0 ? "" : ", ").append('"').append(r[0]).append("\" (").append(displayType(r[1]))
                        .append(')');
            }
            m.append(". Cast them in a query, e.g. ").append(castExample(unsupported.get(0)[0]))
                    .append(", or leave them out of the column list.");
        }
        String[] first = unsupported.get(0);
        return new ColumnMappingException(exportName, first[0], first[1], m.toString());
    }

    private static String displayType(String pgjdbcName) {
        return pgjdbcName.startsWith("_") ? pgjdbcName.substring(1) + "[]" : pgjdbcName.replace("\"", "");
    }

    private static String castExample(String column) {
        String ident = column.matches("[a-z_][a-z0-9_]*") ? column : quote(column);
        return ident + "::text";
    }

    @Override
    public BatchReader openReader(Connection connection, String selectSql, List<Column> columns) throws SQLException {
        return PostgresBatchReader.open(connection, selectSql, columns);
    }

    /**
     * {@code COPY (<query>) TO STDOUT (FORMAT binary)} decoded straight into Arrow ({@link PostgresCopyReader}); one
     * statement for the whole query.
     */
    @Override
    public BatchReader openBulkReader(Connection connection, String selectSql, List<Column> columns)
            throws SQLException {
        return PostgresCopyReader.open(connection, selectSql, columns, true);
    }

    @Override
    public String quoteIdentifier(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("An identifier cannot contain a NUL character");
        }
        return quote(identifier);
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * {@code '<text>'::<source type>}, with quotes doubled; text containing a backslash uses the {@code E'...'} form
     * with backslashes doubled too, so the literal means the same whatever {@code standard_conforming_strings} is.
     *
     * @throws IllegalArgumentException when the text contains NUL, which no PostgreSQL text value can hold
     */
    @Override
    public String literal(String text, Column column) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("A value of column \"" + column.name()
                    + "\" contains a NUL character, which PostgreSQL cannot hold in a literal");
        }
        String body = text.replace("'", "''");
        String prefix = "";
        if (body.indexOf('\\') >= 0) {
            body = body.replace("\\", "\\\\");
            prefix = "E";
        }
        return prefix + "'" + body + "'::" + column.sourceTypeName();
    }

    @Override
    public String nowMinusSeconds(long seconds) {
        return "(now() - make_interval(secs => " + seconds + "))";
    }

    /**
     * The primary key's column when it has exactly one, from {@code pg_index}. {@code table} is resolved as
     * {@link #quoteTable} quotes it (case-sensitive; unqualified names through search_path). A missing table gives an
     * empty list.
     */
    @Override
    public List<String> primaryKey(Connection connection, String table) throws SQLException {
        String sql = "SELECT a.attname FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE i.indrelid = pg_catalog.to_regclass(?) AND i.indisprimary";
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, quoteTable(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names.size() == 1 ? List.copyOf(names) : List.of();
    }

    /**
     * Every column of the primary key in key order (its position in {@code pg_index.indkey}), for keyset chunking over
     * composite keys; an empty list when the table has none or is missing.
     */
    @Override
    public List<String> primaryKeyColumns(Connection connection, String table) throws SQLException {
        String sql = "SELECT a.attname FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE i.indrelid = pg_catalog.to_regclass(?) AND i.indisprimary"
                + " ORDER BY pg_catalog.array_position(i.indkey::int2[], a.attnum)";
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, quoteTable(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return List.copyOf(names);
    }

    /** {@code pg_class.reltuples}, or -1 when the table is missing or was never analyzed or vacuumed. */
    @Override
    public long estimateRows(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, quoteTable(table));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                double estimate = rs.getDouble(1);
                return rs.wasNull() || estimate < 0 ? -1 : Math.round(estimate);
            }
        }
    }

    /** The PostgreSQL probes of {@code rivet check} and {@code rivet init}: {@link PostgresInspector}. */
    @Override
    public Optional<SourceInspector> inspector() {
        return Optional.of(PostgresInspector.INSTANCE);
    }

    /** See {@link PostgresErrors}: connection, serialization, deadlock, lock-timeout and resource failures only. */
    @Override
    public boolean isRetryable(SQLException error) {
        return PostgresErrors.isRetryable(error);
    }

    /** The query without trailing semicolons and white space, so it can be embedded in DECLARE or a subquery. */
    static String stripTerminator(String sql) {
        int end = sql.length();
        while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
            end--;
        }
        return sql.substring(0, end);
    }
}
