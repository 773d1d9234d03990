package io.rivet;

import java.time.Duration;
import java.util.Objects;

/**
 * Reads rows whose time column lies within a window ending now: {@code column >= now() - window}, where {@code now()}
 * is the database's clock (never the client's, which may drift). Windows of successive runs overlap by design; every
 * run writes its own files. Immutable; obtain it with {@link Mode#timeWindow(String, Duration)}.
 */
public final class TimeWindowMode implements Mode {
    private final String column;
    private final Duration window;

    TimeWindowMode(String column, Duration window) {
        this.column = ChunkedMode.requireColumn(column);
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the time window must be positive but was " + window);
        }
        this.window = window;
    }

    @Override
    public String name() {
        return "time_window";
    }

    /** The time column (a date, timestamp or timestamptz column). */
    public String column() {
        return column;
    }

    /** The window's length. */
    public Duration window() {
        return window;
    }

    @Override
    public String toString() {
        return "time_window(" + column + ", " + window + ")";
    }
}
