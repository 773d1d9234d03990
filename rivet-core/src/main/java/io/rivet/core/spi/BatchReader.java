package io.rivet.core.spi;

import io.rivet.Incubating;
import java.sql.SQLException;
import java.util.Map;

/**
 * Streams a query's rows into Arrow batches. Owned and used by one worker thread; not thread-safe. Holds the
 * server-side cursor (or streaming result set) open until {@link #close()}.
 */
@Incubating(since = "0.1")
public interface BatchReader extends AutoCloseable {

    /**
     * Fills {@code batch} (a {@link Batch#create} of the described columns) with up to
     * {@code maxRows} next rows, replacing what it held, and sets its row count. The reader only writes into the
     * batch during the call and keeps no reference to it.
     *
     * @return the number of rows read; 0 when the result is exhausted
     * @throws SQLException as the driver reports it
     */
    int read(Batch batch, int maxRows) throws SQLException;

    /**
     * Values read so far (since the reader was opened) that were not exported exactly, counted per column and kind
     * of loss, e.g. {@code (created, "zero date exported as NULL") -> 3}. The engine reads this after every
     * {@link #read}: under {@code Export.strictTypes} it fails the export at the first batch with a loss, before
     * that batch is written; otherwise it reports the counts in the run's warnings. A dialect whose every mapping is
     * exact (or fails the read) keeps the default, an empty map. Never contains a value.
     */
    default Map<Loss, Long> lossyValues() {
        return Map.of();
    }

    /**
     * One kind of inexact conversion in one column.
     *
     * @param column the column's name
     * @param kind what happened, in words that contain no value, e.g. {@code zero date exported as NULL}
     */
    record Loss(String column, String kind) {
    }

    /** Closes the cursor or result set; does not end the transaction or close the connection. */
    @Override
    void close() throws SQLException;
}
