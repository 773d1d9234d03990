package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.ServerVersion;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * Reads a query through {@code COPY (<query>) TO STDOUT (FORMAT binary)} inside the worker's transaction, decoding
 * each field's binary send format straight into Arrow vectors ({@link BinaryDecoder}). The COPY is one statement for
 * the whole query, so {@code statement_timeout} bounds the whole read (the cursor path bounds one FETCH); chunked
 * exports bound it by the chunk size.
 *
 * <p>The format: a 19-byte header ({@code PGCOPY\n\377\r\n\0}, int32 flags, int32 extension length and the
 * extension), then per row an int16 field count and per field an int32 length (-1 for NULL) and the value, then an
 * int16 -1. The bytes come from {@link CopyInput}, which reads them without allocating per row.
 *
 * <p>Used by one thread; not thread-safe. If {@link #close()} comes before the end of the data (a failure elsewhere,
 * or a data error here), it asks the server to cancel the COPY and reads what is left, so the connection can still
 * roll back and go back to its pool.
 */
final class PostgresCopyReader implements BatchReader {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

    private final Connection connection;
    private final CopyOut copy;
    private final CopyInput in;
    private final BinaryDecoder[] decoders;
    private boolean headerRead;
    private boolean exhausted;
    private boolean closed;

    private PostgresCopyReader(Connection connection, CopyOut copy, CopyInput in, BinaryDecoder[] decoders) {
        this.connection = connection;
        this.copy = copy;
        this.in = in;
        this.decoders = decoders;
    }

    /**
     * Starts the COPY inside the connection's open transaction.
     *
     * @param direct read the data from pgjdbc's protocol stream without a {@code byte[]} per row (see
     *     {@link CopyInput}); false forces the driver's own per-row API
     */
    static PostgresCopyReader open(Connection connection, String selectSql, List<Column> columns, boolean direct)
            throws SQLException {
        BaseConnection pg = connection.unwrap(BaseConnection.class);
        boolean escapeHighBitChar = pg.haveMinimumServerVersion(ServerVersion.v15);
        BinaryDecoder[] decoders = new BinaryDecoder[columns.size()];
        for (int i = 0; i < decoders.length; i++) {
            decoders[i] = BinaryDecoder.forColumn(columns.get(i), escapeHighBitChar);
        }
        String sql = "COPY (" + PostgresDialect.stripTerminator(selectSql) + "\n) TO STDOUT (FORMAT binary)";
        CopyOut copy = new CopyManager(pg).copyOut(sql);
        return new PostgresCopyReader(connection, copy, CopyInput.open(connection, copy, direct), decoders);
    }

    /** Decodes a COPY's data already in memory (tests and benchmarks); {@link #close()} then has nothing to end. */
    static PostgresCopyReader ofBytes(byte[] data, List<Column> columns) {
        return of(null, CopyInput.ofBytes(data), columns);
    }

    /** Decodes what {@code in} delivers (tests); {@link #close()} ends nothing unless {@code copy} is active. */
    static PostgresCopyReader of(CopyOut copy, CopyInput in, List<Column> columns) {
        BinaryDecoder[] decoders = new BinaryDecoder[columns.size()];
        for (int i = 0; i < decoders.length; i++) {
            decoders[i] = BinaryDecoder.forColumn(columns.get(i), true);
        }
        return new PostgresCopyReader(null, copy, in, decoders);
    }

    /** Whether the data is read without a driver allocation per row. */
    boolean direct() {
        return in.direct();
    }

    @Override
    public int read(Batch batch, int maxRows) throws SQLException {
        if (closed) {
            throw new IllegalStateException("COPY reader is closed");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1 but was " + maxRows);
        }
        if (batch.getFieldVectors().size() != decoders.length) {
            throw new IllegalArgumentException("batch has " + batch.getFieldVectors().size() + " vectors but the query "
                    + decoders.length + " columns");
        }
        for (int c = 0; c < decoders.length; c++) {
            decoders[c].bind(batch.getVector(c), maxRows);
        }
        int row = 0;
        if (!exhausted) {
            if (!headerRead) {
                readHeader();
            }
            row = readRows(maxRows);
            if (row < maxRows) {
                endOfRows();
            }
        }
        for (BinaryDecoder d : decoders) {
            d.finish(row);
        }
        batch.setRowCount(row);
        return row;
    }

    /**
     * Decodes rows until {@code maxRows} are read or the next row's field count is not the query's (the end-of-data
     * marker, or a protocol error that {@link #endOfRows} reports); that count is left unread. Both ways out are one
     * test, which the end of every batch takes: had the end of the data its own branch, the JIT would compile it as a
     * trap that first fires at the end of the first chunk and then compile this loop again (measured: about 0.2 s of
     * C2 time per run, docs/benchmarks.md session 7).
     */
    private int readRows(int maxRows) throws SQLException {
        CopyInput in = this.in;
        BinaryDecoder[] decoders = this.decoders;
        int n = decoders.length;
        int row = 0;
        while (true) {
            int fields = in.peekShort();
            int full = ~(row - maxRows) >>> 31;
            if ((full | (fields ^ n)) != 0) {
                return row;
            }
            in.pos += 2;
            for (int c = 0; c < n; c++) {
                int len = in.readInt();
                if (len < 0) {
                    decoders[c].setNull(row);
                } else {
                    in.require(len);
                    decoders[c].decode(row, in.buf, in.pos, len);
                    in.pos += len;
                }
            }
            row++;
        }
    }

    /** After {@link #readRows} stopped short of a full batch: the end-of-data marker, or a row of the wrong width. */
    private void endOfRows() throws SQLException {
        int fields = in.readShort();
        if (fields != -1) {
            throw new PSQLException("COPY sent " + fields + " fields in a row but the query has " + decoders.length
                    + " columns", PSQLState.PROTOCOL_VIOLATION);
        }
        exhausted = true;
        in.finish();
    }

    private void readHeader() throws SQLException {
        in.require(SIGNATURE.length + 8);
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (in.buf[in.pos + i] != SIGNATURE[i]) {
                throw new PSQLException("COPY did not start with the binary format's signature",
                        PSQLState.PROTOCOL_VIOLATION);
            }
        }
        in.pos += SIGNATURE.length;
        int flags = in.readInt();
        if ((flags & (1 << 16)) != 0) {
            throw new PSQLException("COPY sent OIDs, which Rivet did not ask for", PSQLState.PROTOCOL_VIOLATION);
        }
        int extension = in.readInt();
        in.require(extension);
        in.pos += extension;
        headerRead = true;
    }

    /**
     * Ends the COPY. Before the end of the data this cancels the statement on the server and reads what it still
     * sends (up to its error), which leaves the transaction aborted: the caller rolls it back. Safe to call twice.
     */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (in.ended() || copy == null || !copy.isActive()) {
            return;
        }
        connection.unwrap(PGConnection.class).cancelQuery();
        try {
            while (copy.readFromCopy() != null) {
                // discard
            }
        } catch (SQLException expected) {
            // 57014 "canceling statement due to user request" ends the COPY; a broken connection ends it too, and
            // the pool finds out on its own.
        }
    }
}
