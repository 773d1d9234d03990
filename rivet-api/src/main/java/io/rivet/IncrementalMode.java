package io.rivet;

import java.time.Duration;
import java.util.Objects;

/**
 * Reads only the rows added or changed since the last successful run, by a monotonically growing cursor column.
 * Immutable; the option methods return copies. Obtain it with {@link Mode#incremental(String)}.
 *
 * <p>Semantics: the run reads {@code max(cursor)} inside its own snapshot as the upper bound, then exports rows with
 * {@code last < cursor <= upper} (or, with a {@linkplain #tieBreaker(String) tie-breaker} key,
 * {@code (cursor, key) > (last, lastKey)}), ordered by cursor. The stored cursor advances only after the files and
 * the manifest are published, so a failed run repeats rather than skips. Rows whose cursor ties with the stored value
 * are not lost: without a tie-breaker the upper bound read in the same snapshot guarantees that every row at or below
 * it was exported; with a lookback window, late-committing rows below the watermark are read again.
 */
public final class IncrementalMode implements Mode {
    private final String cursorColumn;
    private final String tieBreaker;
    private final Duration lookback;

    IncrementalMode(String cursorColumn, String tieBreaker, Duration lookback) {
        this.cursorColumn = ChunkedMode.requireColumn(cursorColumn);
        this.tieBreaker = tieBreaker == null ? null : ChunkedMode.requireColumn(tieBreaker);
        Objects.requireNonNull(lookback, "lookback");
        if (lookback.isNegative()) {
            throw new IllegalArgumentException("lookback cannot be negative but was " + lookback);
        }
        this.lookback = lookback;
    }

    @Override
    public String name() {
        return "incremental";
    }

    /** The cursor column. */
    public String cursorColumn() {
        return cursorColumn;
    }

    /** The tie-breaker key column, or {@code null} when none was set. */
    public String tieBreaker() {
        return tieBreaker;
    }

    /**
     * Returns a copy that orders and resumes by {@code (cursor, key)}, so that rows sharing a cursor value are split
     * exactly across runs. Use a unique, non-null column (usually the primary key).
     */
    public IncrementalMode tieBreaker(String keyColumn) {
        return new IncrementalMode(cursorColumn, Objects.requireNonNull(keyColumn, "keyColumn"), lookback);
    }

    /** The lookback window (zero when none). */
    public Duration lookback() {
        return lookback;
    }

    /**
     * Returns a copy that re-reads rows whose timestamp cursor lies within {@code lookback} below the stored value,
     * for sources where rows commit late. Re-read rows appear again in the new run's files (at-least-once).
     */
    public IncrementalMode lookback(Duration lookback) {
        return new IncrementalMode(cursorColumn, tieBreaker, lookback);
    }

    @Override
    public String toString() {
        return "incremental(" + cursorColumn + (tieBreaker == null ? "" : ", tieBreaker=" + tieBreaker)
                + (lookback.isZero() ? "" : ", lookback=" + lookback) + ")";
    }
}
