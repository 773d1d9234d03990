package io.rivet.core.spi;

import io.rivet.Incubating;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What Rivet needs to know about one database family: how to open a gentle read-only snapshot, how to describe and
 * map a query's columns, how to stream rows into Arrow, and how to write identifiers and literals. Implementations
 * are stateless and thread-safe; every method works on a connection the engine owns and passes in.
 */
@Incubating(since = "0.1")
public interface Dialect {

    /** The dialect's name: {@code postgres} or {@code mysql}. */
    String name();

    /**
     * Starts a read-only transaction with a consistent snapshot on {@code connection} (auto-commit off), with the
     * session in UTC and the statement and lock timeouts of {@code settings}. Everything set here must be scoped to
     * the transaction (or reset by {@link #endSnapshot}), so that a pooled connection returns clean.
     */
    void beginSnapshot(Connection connection, SessionSettings settings) throws SQLException;

    /** Ends the transaction begun by {@link #beginSnapshot} (a rollback: nothing was written) and resets the session. */
    void endSnapshot(Connection connection) throws SQLException;

    /**
     * Describes the columns {@code selectSql} returns, without reading rows, and maps each to a {@link ColumnType}.
     *
     * @throws io.rivet.exception.ColumnMappingException naming every column whose type has no faithful mapping, with
     *     the cast to use instead
     */
    List<Column> describe(Connection connection, String selectSql, String exportName) throws SQLException;

    /**
     * Opens a reader over {@code selectSql} whose rows have {@code columns}, inside the transaction begun by
     * {@link #beginSnapshot}. Rows must stream: memory is bounded by one batch, never the whole result.
     */
    BatchReader openReader(Connection connection, String selectSql, List<Column> columns) throws SQLException;

    /**
     * Opens a reader over {@code selectSql} that may instead read the same rows in keyset pages described by
     * {@code paging} (when not {@code null}), so that no single statement runs for long. The default ignores
     * {@code paging} and calls {@link #openReader(Connection, String, List)}; a dialect whose one statement holds
     * the server for the whole read (MySQL's streaming SELECT) overrides it and reports {@link #pagesByKey()}.
     */
    default BatchReader openReader(Connection connection, String selectSql, KeysetPaging paging, List<Column> columns)
            throws SQLException {
        return openReader(connection, selectSql, columns);
    }

    /**
     * Whether this dialect reads in keyset pages when given a {@link KeysetPaging}: the planner only looks up the
     * primary key for paging when this is true. Default false.
     */
    default boolean pagesByKey() {
        return false;
    }

    /**
     * Opens a reader that moves the whole result with the database's bulk export, inside the transaction begun by
     * {@link #beginSnapshot}, or returns {@code null} when the dialect has none (the default); the engine then uses
     * {@link #openReader}. It must return exactly the values {@link #openReader} returns for the same rows, with the
     * same errors. A bulk read is one statement, so the session's statement timeout bounds all of it; the engine uses
     * it only when {@link io.rivet.Profile#bulkReadEnabled()} asks for it.
     */
    default BatchReader openBulkReader(Connection connection, String selectSql, List<Column> columns)
            throws SQLException {
        return null;
    }

    /** Quotes an identifier (one name, not a dotted path), escaping as the database requires. */
    String quoteIdentifier(String identifier);

    /** Quotes a possibly schema-qualified table name, {@code table} or {@code schema.table}. */
    default String quoteTable(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? quoteIdentifier(table)
                : quoteIdentifier(table.substring(0, dot)) + "." + quoteIdentifier(table.substring(dot + 1));
    }

    /**
     * Renders {@code text} (a value of {@code column} as the database rendered it, e.g. a stored cursor) as an SQL
     * literal of the column's source type, safely escaped, e.g. {@code '2024-01-01 10:00:00.123456+00'::timestamptz}.
     */
    String literal(String text, Column column);

    /** An SQL expression for the database clock minus {@code seconds} seconds, e.g. {@code now() - interval '60 seconds'}. */
    String nowMinusSeconds(long seconds);

    /** The single-column primary key of {@code table}, or an empty list when it has none or several columns. */
    List<String> primaryKey(Connection connection, String table) throws SQLException;

    /**
     * Every column of {@code table}'s primary key in key order, or an empty list when it has none. The default
     * returns {@link #primaryKey}, which knows only single-column keys.
     */
    default List<String> primaryKeyColumns(Connection connection, String table) throws SQLException {
        return primaryKey(connection, table);
    }

    /**
     * An SQL predicate comparing the row value of {@code quotedColumns} with {@code literals} (as
     * {@link #literal} renders them) in the lexicographic order of the key: {@code op} is {@code >}, {@code >=},
     * {@code <} or {@code <=}. The default is the standard row-value comparison {@code (a, b) > (x, y)}, which
     * PostgreSQL answers with an index range; a dialect whose optimizer does not (MariaDB) expands it into the
     * equivalent {@code a >= x AND (a > x OR b > y)}.
     *
     * @throws IllegalArgumentException when the lists differ in size or are empty, or {@code op} is not one of the four
     */
    default String keyPredicate(List<String> quotedColumns, String op, List<String> literals) {
        if (quotedColumns.isEmpty() || quotedColumns.size() != literals.size()) {
            throw new IllegalArgumentException("a key comparison needs as many literals as columns");
        }
        if (!List.of(">", ">=", "<", "<=").contains(op)) {
            throw new IllegalArgumentException("unknown key comparison " + op);
        }
        if (quotedColumns.size() == 1) {
            return quotedColumns.get(0) + " " + op + " " + literals.get(0);
        }
        return "(" + String.join(", ", quotedColumns) + ") " + op + " (" + String.join(", ", literals) + ")";
    }

    /**
     * The text of column {@code index} of the current row of {@code rs} (a value of {@code column}, e.g. a chunk
     * boundary or an incremental cursor) in the form {@link #literal} accepts. The default is {@code getString}.
     */
    default String keyText(ResultSet rs, int index, Column column) throws SQLException {
        return rs.getString(index);
    }

    /** A cheap estimate of {@code table}'s rows from statistics, or -1 when unknown. */
    long estimateRows(Connection connection, String table) throws SQLException;

    /** A query counting the rows of {@code selectSql}; used to reconcile, inside the snapshot that read them. */
    default String countSql(String selectSql) {
        return "SELECT COUNT(*) FROM (" + selectSql + ") AS _rivet_count";
    }

    /** Whether the failure is transient: running the same work again on a new connection may succeed. */
    boolean isRetryable(SQLException error);

    /**
     * The probes behind {@code rivet check} and {@code rivet init} for this database, or empty when it has none yet;
     * {@code check} then reports only what {@link #describe} shows and says which checks were skipped.
     */
    default Optional<SourceInspector> inspector() {
        return Optional.empty();
    }
}
