package io.rivet.core.internal.dialect.mysql;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.KeysetPaging;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a query's rows from MySQL or MariaDB through Connector/J's streaming result sets (a forward-only, read-only
 * statement with {@code fetchSize = Integer.MIN_VALUE}: rows are decoded as they arrive, one row in memory at a time),
 * straight from the text protocol's bytes into Arrow vectors ({@link MySqlValueWriter}).
 *
 * <p>Two ways to read:
 * <ul>
 *   <li><b>Keyset pages</b> (given a {@link KeysetPaging}): each {@link #read} is one statement
 *       {@code SELECT ... WHERE <filter> AND (key) > (last key) ORDER BY key LIMIT maxRows}, streamed and closed
 *       before {@code read} returns. The server's work per statement is bounded by one batch, and a slow writer
 *       waits between statements, never inside one, so {@code max_execution_time} bounds a batch as PostgreSQL's
 *       {@code statement_timeout} bounds a FETCH. All pages run in the caller's one transaction, so they read one
 *       consistent snapshot.</li>
 *   <li><b>One streaming statement</b> (queries, tables without a primary key): the statement stays open, and holds
 *       the connection, until the result is exhausted or the reader closed.</li>
 * </ul>
 *
 * <p>FLOAT columns are selected as {@code CAST(col AS DOUBLE)}: the server prints a FLOAT with six significant
 * digits, a DOUBLE exactly. Used by one thread; not thread-safe. {@link #close()} closes the statement, never the
 * transaction or the connection.
 */
final class MySqlBatchReader implements BatchReader {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlBatchReader.class);

    private final Connection connection;
    private final Dialect dialect;
    private final List<Column> columns;
    private final MySqlValueWriter[] writers;
    private final String projection;
    private final String sql;
    private final KeysetPaging paging;
    private final int[] keyIndexes;
    /** For each column, its position in the key, or -1. */
    private final int[] keySlot;
    private final byte[][] lastKey;
    private Statement statement;
    private ResultSet open;
    private MySqlField[] fields;
    private boolean exhausted;
    private boolean closed;

    private MySqlBatchReader(Connection connection, Dialect dialect, String sql, KeysetPaging paging,
            List<Column> columns, boolean zeroDatesAsNull) {
        this.connection = connection;
        this.dialect = dialect;
        this.columns = columns;
        this.sql = sql;
        this.paging = paging;
        this.writers = new MySqlValueWriter[columns.size()];
        boolean floats = false;
        for (int i = 0; i < writers.length; i++) {
            writers[i] = MySqlValueWriter.forColumn(columns.get(i), zeroDatesAsNull);
            floats |= columns.get(i).type().kind() == ColumnType.Kind.FLOAT32;
        }
        this.projection = floats ? projection(columns, dialect) : "*";
        this.keySlot = new int[columns.size()];
        java.util.Arrays.fill(keySlot, -1);
        if (paging == null) {
            keyIndexes = null;
            lastKey = null;
        } else {
            keyIndexes = new int[paging.keyColumns().size()];
            for (int k = 0; k < keyIndexes.length; k++) {
                keyIndexes[k] = indexOf(columns, paging.keyColumns().get(k));
                keySlot[keyIndexes[k]] = k;
            }
            lastKey = new byte[keyIndexes.length][];
        }
    }

    /** Opens a reader; one streaming statement when {@code paging} is null, keyset pages otherwise. */
    static MySqlBatchReader open(Connection connection, Dialect dialect, String selectSql, KeysetPaging paging,
            List<Column> columns, boolean zeroDatesAsNull) throws SQLException {
        MySqlBatchReader reader = new MySqlBatchReader(connection, dialect, selectSql, paging, columns,
                zeroDatesAsNull);
        reader.statement = streamingStatement(connection);
        if (paging == null) {
            try {
                String q = reader.projection.equals("*") ? MySqlDialect.stripTerminator(selectSql)
                        : "SELECT " + reader.projection + " FROM (" + MySqlDialect.stripTerminator(selectSql)
                                + "\n) AS _rivet_r";
                reader.begin(reader.statement.executeQuery(q));
            } catch (SQLException | RuntimeException e) {
                reader.statement.close();
                throw e;
            }
        }
        return reader;
    }

    private static Statement streamingStatement(Connection connection) throws SQLException {
        Statement s = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        try {
            // #4: Integer.MIN_VALUE is Connector/J's switch for row-by-row streaming instead of buffering the result.
            s.setFetchSize(Integer.MIN_VALUE);
            // The query is SQL, not JDBC: no {fn ...} escape rewriting.
            s.setEscapeProcessing(false);
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static String projection(List<Column> columns, Dialect dialect) {
        List<String> parts = new ArrayList<>(columns.size());
        for (Column c : columns) {
            String q = dialect.quoteIdentifier(c.name());
            parts.add(c.type().kind() == ColumnType.Kind.FLOAT32 ? "CAST(" + q + " AS DOUBLE) AS " + q : q);
        }
        return String.join(", ", parts);
    }

    private static int indexOf(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("paging key column \"" + name + "\" is not a column of the read");
    }

    /** Binds a new result set: checks its shape and tells text writers their column's character set. */
    private void begin(ResultSet rs) throws SQLException {
        open = rs;
        MySqlField[] f = MySqlField.of(rs);
        if (f.length != writers.length) {
            throw new IllegalStateException("the statement returned " + f.length + " columns but " + writers.length
                    + " were described");
        }
        if (fields == null) {
            for (int c = 0; c < writers.length; c++) {
                writers[c].charset(f[c].needsTranscoding() ? Charset.forName(f[c].encoding()) : null);
            }
        }
        fields = f;
    }

    /**
     * Zero dates exported as NULL under {@code zeroDateTimeBehavior=CONVERT_TO_NULL}, per column: the only MySQL
     * mapping that is not exact (every other value is exact or fails the read, see design note 011).
     */
    @Override
    public java.util.Map<Loss, Long> lossyValues() {
        java.util.Map<Loss, Long> out = new java.util.LinkedHashMap<>();
        for (MySqlValueWriter w : writers) {
            if (w.zeroDatesNulled > 0) {
                out.put(new Loss(w.column, ZERO_DATE_AS_NULL), w.zeroDatesNulled);
            }
        }
        return out;
    }

    /** The kind of loss {@link #lossyValues()} reports for a zero date written as NULL. */
    static final String ZERO_DATE_AS_NULL = "zero date exported as NULL (zeroDateTimeBehavior=CONVERT_TO_NULL)";

    @Override
    public int read(Batch batch, int maxRows) throws SQLException {
        if (closed) {
            throw new IllegalStateException("the reader is closed");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1 but was " + maxRows);
        }
        if (batch.getFieldVectors().size() != writers.length) {
            throw new IllegalArgumentException("batch has " + batch.getFieldVectors().size() + " vectors but the query "
                    + writers.length + " columns");
        }
        for (int c = 0; c < writers.length; c++) {
            FieldVector v = batch.getVector(c);
            if (v.getValueCapacity() == 0) {
                v.allocateNew();
            } else {
                v.reset();
            }
            writers[c].bind(v);
        }
        int row = 0;
        if (!exhausted) {
            row = paging == null ? readStream(maxRows) : readPage(maxRows);
        }
        batch.setRowCount(row);
        return row;
    }

    private int readStream(int maxRows) throws SQLException {
        int row = 0;
        while (row < maxRows) {
            if (!open.next()) {
                exhausted = true;
                open.close();
                break;
            }
            writeRow(row++);
        }
        return row;
    }

    private int readPage(int maxRows) throws SQLException {
        StringBuilder q = new StringBuilder(256).append("SELECT ").append(projection).append(" FROM ")
                .append(paging.from());
        String after = lastKey[0] == null ? null : keyAfter();
        if (paging.filter() != null || after != null) {
            q.append(" WHERE ");
            if (paging.filter() != null) {
                q.append('(').append(paging.filter()).append(')');
            }
            if (after != null) {
                q.append(paging.filter() != null ? " AND " : "").append(after);
            }
        }
        q.append(" ORDER BY ");
        for (int k = 0; k < keyIndexes.length; k++) {
            q.append(k == 0 ? "" : ", ").append(dialect.quoteIdentifier(columns.get(keyIndexes[k]).name()));
        }
        q.append(" LIMIT ").append(maxRows);
        int row = 0;
        try (ResultSet rs = statement.executeQuery(q.toString())) {
            begin(rs);
            while (rs.next()) {
                writeRow(row++);
            }
        } finally {
            open = null;
        }
        exhausted = row < maxRows;
        return row;
    }

    private void writeRow(int row) throws SQLException {
        ResultSet rs = open;
        for (int c = 0; c < writers.length; c++) {
            byte[] value = rs.getBytes(c + 1);
            if (value == null) {
                writers[c].setNull(row);
            } else {
                writers[c].set(row, value, 0, value.length);
                if (keySlot[c] >= 0) {
                    // getBytes hands out a fresh array per call, so keeping the last row's key costs nothing.
                    lastKey[keySlot[c]] = value;
                }
            }
        }
    }

    /** The predicate for the rows after the last one read: {@code (key) > (last key)}. */
    private String keyAfter() {
        List<String> quoted = new ArrayList<>(keyIndexes.length);
        List<String> literals = new ArrayList<>(keyIndexes.length);
        for (int k = 0; k < keyIndexes.length; k++) {
            Column c = columns.get(keyIndexes[k]);
            quoted.add(dialect.quoteIdentifier(c.name()));
            literals.add(dialect.literal(MySqlLiterals.text(lastKey[k], fields[keyIndexes[k]], c), c));
        }
        return dialect.keyPredicate(quoted, ">", literals);
    }

    /**
     * Closes the statement. A streaming result that was not read to its end would make Connector/J read (and drop)
     * every remaining row first, so the statement is cancelled ({@code KILL QUERY} from a second connection) before
     * closing. Safe to call twice.
     */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try (Statement s = statement) {
            if (open != null && !exhausted) {
                try {
                    s.cancel();
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("cancelling an unfinished streaming read failed: {}", e.toString());
                }
                try {
                    open.close();
                } catch (SQLException e) {
                    // The cancelled statement reports its interruption here; the transaction is rolled back next.
                    LOG.debug("closing a cancelled streaming read: {}", e.toString());
                }
            }
        }
    }
}
