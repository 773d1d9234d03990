package io.rivet.core.spi;

import io.rivet.Incubating;
import java.sql.SQLException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Streams a query's rows into Arrow batches. Owned and used by one worker thread; not thread-safe. Holds the
 * server-side cursor (or streaming result set) open until {@link #close()}.
 */
@Incubating(since = "0.1")
public interface BatchReader extends AutoCloseable {

    /**
     * Fills {@code root} (whose schema is {@link Column#arrowSchema} of the described columns) with up to
     * {@code maxRows} next rows, replacing what it held, and sets its row count. The reader only writes into the
     * root during the call and keeps no reference to it.
     *
     * @return the number of rows read; 0 when the result is exhausted
     * @throws SQLException as the driver reports it
     */
    int read(VectorSchemaRoot root, int maxRows) throws SQLException;

    /** Closes the cursor or result set; does not end the transaction or close the connection. */
    @Override
    void close() throws SQLException;
}
