package io.rivet;

import java.time.Duration;

/**
 * Which rows an export reads and how it splits the work. Immutable values made by the static factories below; each
 * variant's options return a modified copy.
 *
 * <ul>
 *   <li>{@link #full()}: the whole table or query, in one snapshot.</li>
 *   <li>{@link #incremental(String)}: rows whose cursor column passed the value stored by the last successful run.</li>
 *   <li>{@link #chunked(String)}: the table cut into key ranges, read by parallel workers, each range checkpointed
 *       so that a failed run can resume.</li>
 *   <li>{@link #timeWindow(String, Duration)}: rows whose time column lies within a window ending now, measured by the
 *       database clock.</li>
 * </ul>
 *
 * <p>Rivet may add modes in a minor release: do not rely on these four being the only implementations.
 */
public interface Mode {

    /** The mode's name as written in YAML: {@code full}, {@code incremental}, {@code chunked} or {@code time_window}. */
    String name();

    /** Reads everything in one snapshot. */
    static FullMode full() {
        return FullMode.INSTANCE;
    }

    /**
     * Reads rows whose {@code cursorColumn} is greater than the value the last successful run reached. The first run
     * reads everything.
     *
     * @throws IllegalArgumentException if the column name is blank
     */
    static IncrementalMode incremental(String cursorColumn) {
        return new IncrementalMode(cursorColumn, null, Duration.ZERO);
    }

    /**
     * Splits the table into ranges of {@code chunkColumn} (an integer, date or timestamp column without NULLs).
     *
     * @throws IllegalArgumentException if the column name is blank
     */
    static ChunkedMode chunked(String chunkColumn) {
        return new ChunkedMode(ChunkedMode.requireColumn(chunkColumn), ChunkedMode.DEFAULT_CHUNK_SIZE, 1);
    }

    /** Splits the table into ranges of its single-column integer primary key. */
    static ChunkedMode chunked() {
        return new ChunkedMode(null, ChunkedMode.DEFAULT_CHUNK_SIZE, 1);
    }

    /**
     * Reads rows whose {@code timeColumn} is at or after the database's {@code now() - window}.
     *
     * @throws IllegalArgumentException if the column is blank or the window is not positive
     */
    static TimeWindowMode timeWindow(String timeColumn, Duration window) {
        return new TimeWindowMode(timeColumn, window);
    }
}
