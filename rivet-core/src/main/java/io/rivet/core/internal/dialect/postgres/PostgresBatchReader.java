package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.FieldVector;
import org.postgresql.PGResultSetMetaData;

/**
 * Reads a query through a server-side cursor: {@code DECLARE rivet_<n> NO SCROLL CURSOR FOR <query>} once, then one
 * {@code FETCH FORWARD} of at most {@value #FETCH_ROWS} rows until {@link #read}'s batch is full. Each FETCH is its own
 * short statement, so statement_timeout bounds part of one batch, not the whole export, and the driver's memory is
 * bounded by one FETCH.
 *
 * <p>FETCH runs on a plain {@link Statement}, which pgjdbc never switches to binary transfer (a PreparedStatement
 * does after five executions), so every value arrives as PostgreSQL's text rendering and is parsed from the driver's
 * own byte array ({@link ValueWriter}, {@link PgText}) with no per-row objects for integers, dates, timestamps,
 * UUIDs, booleans, text and small decimals.
 *
 * <p>Used by one thread; not thread-safe. {@link #close()} closes the cursor and the statement, never the
 * transaction or the connection.
 */
final class PostgresBatchReader implements BatchReader {

    private static final AtomicLong CURSORS = new AtomicLong();

    /**
     * Rows per FETCH. pgjdbc holds a whole FETCH result on the heap as one byte array per value before the first row
     * is read, so a batch is filled by several smaller FETCHes: 10,000 wide rows in one FETCH held about 17 MB of
     * heap per worker, 2,000 hold a fifth of that, and the extra round trips cost little next to the rows.
     */
    static final int FETCH_ROWS = 2_000;

    private final Statement statement;
    private final String cursor;
    private final ValueWriter[] writers;
    private boolean exhausted;
    private boolean closed;
    /** The cursor's columns keep their format for its life, so the first FETCH's metadata is checked once. */
    private boolean formatChecked;

    private PostgresBatchReader(Statement statement, String cursor, ValueWriter[] writers) {
        this.statement = statement;
        this.cursor = cursor;
        this.writers = writers;
    }

    /** Declares the cursor inside the connection's open transaction. */
    static PostgresBatchReader open(Connection connection, String selectSql, List<Column> columns)
            throws SQLException {
        PgText text = new PgText();
        ValueWriter[] writers = new ValueWriter[columns.size()];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = ValueWriter.forColumn(columns.get(i), text);
        }
        String cursor = "rivet_" + CURSORS.incrementAndGet();
        Statement statement = connection.createStatement();
        try {
            // The query is SQL, not JDBC: no {fn ...} escape rewriting.
            statement.setEscapeProcessing(false);
            statement.execute("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + PostgresDialect.stripTerminator(selectSql));
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
        return new PostgresBatchReader(statement, cursor, writers);
    }

    @Override
    public int read(Batch batch, int maxRows) throws SQLException {
        if (closed) {
            throw new IllegalStateException("reader for cursor " + cursor + " is closed");
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
        while (!exhausted && row < maxRows) {
            int wanted = Math.min(FETCH_ROWS, maxRows - row);
            int fetched = 0;
            try (ResultSet rs = statement.executeQuery("FETCH FORWARD " + wanted + " FROM " + cursor)) {
                if (!formatChecked) {
                    checkTextFormat(rs);
                    formatChecked = true;
                }
                while (rs.next()) {
                    for (int c = 0; c < writers.length; c++) {
                        byte[] value = rs.getBytes(c + 1);
                        if (value == null) {
                            writers[c].setNull(row);
                        } else {
                            writers[c].set(row, value, 0, value.length);
                        }
                    }
                    row++;
                    fetched++;
                }
            }
            exhausted = fetched < wanted;
        }
        batch.setRowCount(row);
        return row;
    }

    private void checkTextFormat(ResultSet rs) throws SQLException {
        java.sql.ResultSetMetaData meta = rs.getMetaData();
        PGResultSetMetaData md = meta.unwrap(PGResultSetMetaData.class);
        if (meta.getColumnCount() != writers.length) {
            throw new IllegalStateException("cursor " + cursor + " returned " + meta.getColumnCount()
                    + " columns but " + writers.length + " were described");
        }
        for (int c = 1; c <= writers.length; c++) {
            if (md.getFormat(c) != 0) {
                // Only forceBinary=true makes pgjdbc do this for a plain Statement.
                throw new SQLException("Column \"" + writers[c - 1].column + "\" arrived in binary format; Rivet reads"
                        + " PostgreSQL's text format. Remove forceBinary from the JDBC URL.", "0A000");
            }
        }
    }

    /**
     * Closes the cursor and its statement. In a failed transaction (SQLSTATE 25P02) the cursor is already unusable
     * and goes away with the rollback, so that case is not an error. Safe to call twice.
     */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try (statement) {
            statement.execute("CLOSE " + cursor);
        } catch (SQLException e) {
            if (!"25P02".equals(e.getSQLState())) {
                throw e;
            }
        }
    }
}
