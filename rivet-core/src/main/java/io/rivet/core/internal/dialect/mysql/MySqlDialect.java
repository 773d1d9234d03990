package io.rivet.core.internal.dialect.mysql;

import com.mysql.cj.conf.PropertyDefinitions.ZeroDatetimeBehavior;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.result.Field;
import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.KeysetPaging;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.spi.SourceInspector;
import io.rivet.exception.ColumnMappingException;
import io.rivet.exception.RivetConfigException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MySQL and MariaDB dialect (see docs/design/007-mysql-dialect.md). Stateless and thread-safe; every method works
 * on a connection the caller owns and never closes it. It reads through MySQL Connector/J (which also serves MariaDB,
 * reporting it as product {@code MySQL} with a version such as {@code 5.5.5-10.11.19-MariaDB}).
 *
 * <p>A snapshot is one {@code START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT} at REPEATABLE READ. MySQL has no
 * transaction-scoped settings, so the session's {@code time_zone}, statement limit ({@code max_execution_time} on
 * MySQL, {@code max_statement_time} on MariaDB), {@code lock_wait_timeout} and {@code innodb_lock_wait_timeout} are
 * saved in user variables first and restored by {@link #endSnapshot}, so a pooled connection returns as it came.
 */
public final class MySqlDialect implements Dialect {

    /** The user variables that keep the session's own settings while a snapshot is open. */
    private static final String SAVED_TZ = "@rivet_saved_time_zone";
    private static final String SAVED_TIMEOUT = "@rivet_saved_statement_limit";
    private static final String SAVED_LOCK = "@rivet_saved_lock_wait_timeout";
    private static final String SAVED_INNODB_LOCK = "@rivet_saved_innodb_lock_wait_timeout";

    /** Creates the dialect. */
    public MySqlDialect() {
    }

    @Override
    public String name() {
        return MySqlDialectProvider.NAME;
    }

    /**
     * Saves the session's settings, sets {@code time_zone = '+00:00'}, the statement limit in milliseconds (rounded
     * up; zero or null: none) and, when the profile has one, the lock wait timeout in whole seconds (rounded up, at
     * least 1) for both metadata locks ({@code lock_wait_timeout}) and InnoDB row locks; then turns auto-commit off and
     * starts a REPEATABLE READ, READ ONLY transaction WITH CONSISTENT SNAPSHOT, so every statement until
     * {@link #endSnapshot} reads the data as of this moment. If any step fails the session is restored before the
     * error is thrown.
     *
     * @throws RivetConfigException when the connection is not MySQL Connector/J's
     */
    @Override
    public void beginSnapshot(Connection connection, SessionSettings settings) throws SQLException {
        requireConnectorJ(connection);
        boolean mariaDb = isMariaDb(connection);
        String limitVariable = mariaDb ? "max_statement_time" : "max_execution_time";
        long statementMs = millis(settings == null ? null : settings.statementTimeout());
        long lockSeconds = seconds(settings == null ? null : settings.lockTimeout());
        // MariaDB counts in (fractional) seconds, MySQL in milliseconds.
        String limit = mariaDb ? String.format(Locale.ROOT, "%d.%03d", statementMs / 1000, statementMs % 1000)
                : Long.toString(statementMs);
        boolean saved = false;
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("SET " + SAVED_TZ + " = @@session.time_zone, " + SAVED_TIMEOUT + " = @@session."
                        + limitVariable + ", " + SAVED_LOCK + " = @@session.lock_wait_timeout, " + SAVED_INNODB_LOCK
                        + " = @@session.innodb_lock_wait_timeout");
                saved = true;
                s.execute("SET SESSION time_zone = '+00:00', SESSION " + limitVariable + " = " + limit
                        + (lockSeconds == 0 ? "" : ", SESSION lock_wait_timeout = " + lockSeconds
                                + ", SESSION innodb_lock_wait_timeout = " + lockSeconds));
                // Without SESSION this applies to the next transaction only; the session's own level is untouched.
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            }
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT");
            }
        } catch (SQLException | RuntimeException e) {
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
                if (saved) {
                    restore(connection, limitVariable);
                }
            } catch (SQLException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
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

    private static long seconds(Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            return 0;
        }
        long s = d.getSeconds();
        return d.getNano() == 0 ? s : s + 1;
    }

    /** Rolls back (nothing was written), turns auto-commit on, and restores the session's saved settings. */
    @Override
    public void endSnapshot(Connection connection) throws SQLException {
        String limitVariable = isMariaDb(connection) ? "max_statement_time" : "max_execution_time";
        try {
            connection.rollback();
        } finally {
            try {
                connection.setAutoCommit(true);
            } finally {
                restore(connection, limitVariable);
            }
        }
    }

    private static void restore(Connection connection, String limitVariable) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION time_zone = COALESCE(" + SAVED_TZ + ", @@global.time_zone), SESSION "
                    + limitVariable + " = COALESCE(" + SAVED_TIMEOUT + ", @@global." + limitVariable + "),"
                    + " SESSION lock_wait_timeout = COALESCE(" + SAVED_LOCK + ", @@global.lock_wait_timeout),"
                    + " SESSION innodb_lock_wait_timeout = COALESCE(" + SAVED_INNODB_LOCK
                    + ", @@global.innodb_lock_wait_timeout)");
            s.execute("SET " + SAVED_TZ + " = NULL, " + SAVED_TIMEOUT + " = NULL, " + SAVED_LOCK + " = NULL, "
                    + SAVED_INNODB_LOCK + " = NULL");
        }
    }

    /**
     * Describes {@code selectSql} with {@code SELECT * FROM (<sql>) AS _rivet LIMIT 0}, which the server answers
     * without reading rows, and maps each column from its wire description. On MariaDB, a {@code longtext} column
     * (the type MariaDB's {@code json} is an alias of) is looked up: when its table has the {@code json_valid} check
     * that the alias creates, it is JSON.
     *
     * @throws ColumnMappingException for the first unmappable column; its message lists every such column
     */
    @Override
    public List<Column> describe(Connection connection, String selectSql, String exportName) throws SQLException {
        requireConnectorJ(connection);
        MySqlField[] fields;
        try (Statement s = connection.createStatement()) {
            s.setEscapeProcessing(false);
            String sql = "SELECT * FROM (" + stripTerminator(selectSql) + "\n) AS _rivet LIMIT 0";
            try (ResultSet rs = s.executeQuery(sql)) {
                fields = MySqlField.of(rs);
            }
        }
        Set<Integer> json = isMariaDb(connection) ? mariaDbJsonColumns(connection, selectSql, fields) : Set.of();
        List<Column> columns = new ArrayList<>(fields.length);
        List<MySqlField> unsupported = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            MySqlField f = fields[i];
            ColumnType type = MySqlTypeMapper.map(f, json.contains(i));
            if (type == null) {
                unsupported.add(f);
            } else {
                columns.add(new Column(f.label(), type, type == ColumnType.JSON ? "json" : f.sourceTypeName()));
            }
        }
        if (!unsupported.isEmpty()) {
            throw mappingError(exportName, unsupported);
        }
        return List.copyOf(columns);
    }

    /**
     * The positions of the {@code longtext} columns that are MariaDB JSON columns. The derived table of
     * {@link #describe} hides where a column comes from, so the query itself is prepared on the server (which plans it
     * and reads no rows) to learn each column's table, and the tables' {@code json_valid} checks are read from
     * {@code information_schema.CHECK_CONSTRAINTS}.
     */
    private static Set<Integer> mariaDbJsonColumns(Connection connection, String selectSql, MySqlField[] fields)
            throws SQLException {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            MySqlField f = fields[i];
            if (f.isStringFamily() && !f.binaryCharset() && f.driverTypeName().equalsIgnoreCase("LONGTEXT")) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return Set.of();
        }
        Field[] origins;
        try (PreparedStatement ps = connection.unwrap(JdbcConnection.class)
                .serverPrepareStatement(stripTerminator(selectSql))) {
            origins = ps.getMetaData().unwrap(com.mysql.cj.jdbc.result.ResultSetMetaData.class).getFields();
        }
        Map<String, Set<String>> checksByTable = new HashMap<>();
        Set<Integer> json = new HashSet<>();
        for (int i : candidates) {
            if (i >= origins.length) {
                continue;
            }
            Field o = origins[i];
            String schema = o.getDatabaseName();
            String table = o.getOriginalTableName();
            String column = o.getOriginalName();
            if (schema == null || schema.isEmpty() || table == null || table.isEmpty() || column == null
                    || column.isEmpty()) {
                continue;
            }
            Set<String> checks = checksByTable.get(schema + "." + table);
            if (checks == null) {
                checks = new HashSet<>();
                try (PreparedStatement ps = connection.prepareStatement("SELECT CHECK_CLAUSE FROM"
                        + " information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
                    ps.setString(1, schema);
                    ps.setString(2, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            checks.add(rs.getString(1).replace(" ", "").toLowerCase(Locale.ROOT));
                        }
                    }
                }
                checksByTable.put(schema + "." + table, checks);
            }
            String expected = "json_valid(`" + column.replace("`", "``") + "`)";
            if (checks.contains(expected.replace(" ", "").toLowerCase(Locale.ROOT))) {
                json.add(i);
            }
        }
        return json;
    }

    private static ColumnMappingException mappingError(String exportName, List<MySqlField> unsupported) {
        StringBuilder m = new StringBuilder("Export \"").append(exportName).append("\": ");
        MySqlField first = unsupported.get(0);
        if (unsupported.size() == 1) {
            m.append("column \"").append(first.label()).append("\" has MySQL type \"").append(first.sourceTypeName())
                    .append("\", which Rivet cannot write faithfully. Convert it in a query, e.g. ")
                    .append(castExample(first)).append(", or leave it out of the column list.");
        } else {
            m.append(unsupported.size()).append(" columns have MySQL types Rivet cannot write faithfully: ");
            for (int i = 0; i < unsupported.size(); i++) {
                MySqlField f = unsupported.get(i);
                m.append(i == 0 ? "" : ", ").append('"').append(f.label()).append("\" (").append(f.sourceTypeName())
                        .append(')');
            }
            m.append(". Convert them in a query, e.g. ").append(castExample(first))
                    .append(", or leave them out of the column list.");
        }
        return new ColumnMappingException(exportName, first.label(), first.sourceTypeName(), m.toString());
    }

    private static String castExample(MySqlField f) {
        String ident = f.label().matches("[A-Za-z_][A-Za-z0-9_]*") ? f.label() : quote(f.label());
        return f.typeId() == MySqlField.GEOMETRY ? "ST_AsText(" + ident + ") or ST_AsWKB(" + ident + ")"
                : "CAST(" + ident + " AS CHAR)";
    }

    /** Streams {@code selectSql} in one statement. */
    @Override
    public BatchReader openReader(Connection connection, String selectSql, List<Column> columns) throws SQLException {
        return openReader(connection, selectSql, null, columns);
    }

    /**
     * Reads in keyset pages when {@code paging} is given (each page one short statement in the open transaction),
     * otherwise streams {@code selectSql} in one statement. Zero dates follow the connection's
     * {@code zeroDateTimeBehavior}: {@code CONVERT_TO_NULL} writes NULL, anything else (Connector/J's default
     * {@code EXCEPTION}, and {@code ROUND}, which would invent a date) fails the read naming the column.
     */
    @Override
    public BatchReader openReader(Connection connection, String selectSql, KeysetPaging paging, List<Column> columns)
            throws SQLException {
        requireConnectorJ(connection);
        KeysetPaging pages = paging != null && pageable(paging, columns) ? paging : null;
        return MySqlBatchReader.open(connection, this, selectSql, pages, columns, zeroDatesAsNull(connection));
    }

    /**
     * Whether every key column can be compared through a literal: not a float (whose text need not compare equal),
     * JSON or BIT (which has no text form here). A primary key of such a column is read in one statement instead.
     */
    private static boolean pageable(KeysetPaging paging, List<Column> columns) {
        for (String name : paging.keyColumns()) {
            Column key = null;
            for (Column c : columns) {
                if (c.name().equalsIgnoreCase(name)) {
                    key = c;
                    break;
                }
            }
            if (key == null || key.sourceTypeName().startsWith("bit(")) {
                return false;
            }
            switch (key.type().kind()) {
                case FLOAT32, FLOAT64, JSON, LIST -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }

    /** True: a MySQL streaming SELECT holds the server for the whole read, so reads go in keyset pages. */
    @Override
    public boolean pagesByKey() {
        return true;
    }

    static boolean zeroDatesAsNull(Connection connection) throws SQLException {
        return connection.unwrap(JdbcConnection.class).getPropertySet()
                .<ZeroDatetimeBehavior>getEnumProperty(PropertyKey.zeroDateTimeBehavior).getValue()
                == ZeroDatetimeBehavior.CONVERT_TO_NULL;
    }

    @Override
    public String quoteIdentifier(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("An identifier cannot contain a NUL character");
        }
        return quote(identifier);
    }

    private static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /**
     * A literal that means the same in every {@code sql_mode}: numbers unquoted (checked), binary values as
     * {@code X'hex'} (the form {@link #keyText} gives them), text in single quotes, or as {@code _utf8mb4 X'hex'} when
     * it holds a backslash or a control character.
     *
     * @throws IllegalArgumentException for a BIT column, or text that is not a value of the column's kind
     */
    @Override
    public String literal(String text, Column column) {
        return MySqlLiterals.literal(text, column);
    }

    /**
     * The server's own text of the value (decoded from the column's character set), or lowercase hex for binary
     * columns, so {@link #literal} can render it back exactly.
     */
    @Override
    public String keyText(ResultSet rs, int index, Column column) throws SQLException {
        byte[] b = rs.getBytes(index);
        if (b == null) {
            return null;
        }
        return MySqlLiterals.text(b, MySqlField.of(rs)[index - 1], column);
    }

    /**
     * {@code a >= x AND (a > x OR (b >= y AND (b > y OR ...)))} for {@code >} (and the mirror forms for the other
     * operators): the same rows as the row-value comparison {@code (a, b) > (x, y)}, which MariaDB does not turn
     * into an index range (it scans the index from the start) while this form it does.
     */
    @Override
    public String keyPredicate(List<String> quotedColumns, String op, List<String> literals) {
        if (quotedColumns.isEmpty() || quotedColumns.size() != literals.size()) {
            throw new IllegalArgumentException("a key comparison needs as many literals as columns");
        }
        String strict = switch (op) {
            case ">", ">=" -> ">";
            case "<", "<=" -> "<";
            default -> throw new IllegalArgumentException("unknown key comparison " + op);
        };
        String loose = strict + "=";
        int last = quotedColumns.size() - 1;
        String p = quotedColumns.get(last) + " " + op + " " + literals.get(last);
        for (int i = last - 1; i >= 0; i--) {
            String c = quotedColumns.get(i);
            String v = literals.get(i);
            p = c + " " + loose + " " + v + " AND (" + c + " " + strict + " " + v + " OR " + p + ")";
        }
        return p;
    }

    /** {@code (NOW(6) - INTERVAL n SECOND)}: the database clock, in the session's UTC. */
    @Override
    public String nowMinusSeconds(long seconds) {
        return "(NOW(6) - INTERVAL " + seconds + " SECOND)";
    }

    @Override
    public List<String> primaryKey(Connection connection, String table) throws SQLException {
        List<String> all = primaryKeyColumns(connection, table);
        return all.size() == 1 ? all : List.of();
    }

    /**
     * The PRIMARY index's columns in key order, from {@code information_schema.STATISTICS}; {@code table} is
     * {@code name} (in the connection's database) or {@code schema.name}. Empty when there is none.
     */
    @Override
    public List<String> primaryKeyColumns(Connection connection, String table) throws SQLException {
        String[] parts = split(table);
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'"
                + " ORDER BY SEQ_IN_INDEX")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return List.copyOf(names);
    }

    /** {@code information_schema.TABLES.TABLE_ROWS} (InnoDB's estimate), or -1 when unknown. */
    @Override
    public long estimateRows(Connection connection, String table) throws SQLException {
        String[] parts = split(table);
        try (PreparedStatement ps = connection.prepareStatement("SELECT TABLE_ROWS FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                long rows = rs.getLong(1);
                return rs.wasNull() || rows < 0 ? -1 : rows;
            }
        }
    }

    /** The MySQL and MariaDB probes of {@code rivet check} and {@code rivet init}: {@link MySqlInspector}. */
    @Override
    public Optional<SourceInspector> inspector() {
        return Optional.of(MySqlInspector.INSTANCE);
    }

    /** See {@link MySqlErrors}. */
    @Override
    public boolean isRetryable(SQLException error) {
        return MySqlErrors.isRetryable(error);
    }

    /** Splits {@code schema.table} as {@link #quoteTable} does; the schema is null when absent. */
    static String[] split(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? new String[] {null, table} : new String[] {table.substring(0, dot), table.substring(dot + 1)};
    }

    /** Whether the server is MariaDB (Connector/J reports the server's version string, cached at connect). */
    static boolean isMariaDb(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb");
    }

    private static void requireConnectorJ(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)) {
            throw new RivetConfigException("The MySQL dialect reads through MySQL Connector/J (com.mysql.cj), but the"
                    + " connection comes from another driver (" + connection.getMetaData().getDriverName() + "). Use"
                    + " a jdbc:mysql: URL or a DataSource of Connector/J; it serves MariaDB too.");
        }
    }

    /** The query without trailing semicolons and white space, so it can be embedded in a derived table. */
    static String stripTerminator(String sql) {
        int end = sql.length();
        while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
            end--;
        }
        return sql.substring(0, end);
    }
}
