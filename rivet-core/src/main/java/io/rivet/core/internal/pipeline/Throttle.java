package io.rivet.core.internal.pipeline;

import java.time.Duration;

/**
 * The profile's throttle, proportional to rows: reading {@code n} rows earns a pause of {@code throttle × n / batchRows},
 * so the total pause does not depend on how the rows were batched. Pauses accumulate as debt that the caller pays
 * where it hurts the source least (between chunk transactions). Not thread-safe: one per worker.
 */
final class Throttle {
    private final long nanosPerBatch;
    private final int batchRows;
    private long debtNanos;

    Throttle(Duration throttle, int batchRows) {
        this.nanosPerBatch = throttle.toNanos();
        this.batchRows = Math.max(1, batchRows);
    }

    /** Records {@code rows} read. */
    void rowsRead(long rows) {
        if (nanosPerBatch > 0) {
            debtNanos += nanosPerBatch * rows / batchRows;
        }
    }

    /** The pause owed so far. */
    long debtNanos() {
        return debtNanos;
    }

    /** Sleeps the pause owed, then clears it; returns the nanoseconds slept. */
    long pay() throws InterruptedException {
        long owed = debtNanos;
        debtNanos = 0;
        if (owed > 0) {
            Thread.sleep(owed / 1_000_000, (int) (owed % 1_000_000));
        }
        return owed;
    }
}
