package io.rivet;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How hard an export may lean on the source database: batch size, throttle, timeouts and retries. Immutable and
 * thread-safe.
 *
 * <p>Three built-in profiles carry the values of the Rust tool, so its YAML keeps its meaning:
 * <table>
 *   <caption>Built-in profiles</caption>
 *   <tr><th>setting</th><th>SAFE</th><th>BALANCED (default)</th><th>FAST</th></tr>
 *   <tr><td>batch rows</td><td>2,000</td><td>10,000</td><td>50,000</td></tr>
 *   <tr><td>batch memory target</td><td>none</td><td>32 MB</td><td>64 MB</td></tr>
 *   <tr><td>throttle per batch of rows</td><td>500 ms</td><td>50 ms</td><td>0</td></tr>
 *   <tr><td>statement timeout</td><td>120 s</td><td>300 s</td><td>off</td></tr>
 *   <tr><td>lock timeout</td><td>10 s</td><td>30 s</td><td>off</td></tr>
 *   <tr><td>max retries</td><td>10</td><td>3</td><td>1</td></tr>
 *   <tr><td>retry backoff base</td><td>5 s</td><td>2 s</td><td>1 s</td></tr>
 *   <tr><td>bulk read (PostgreSQL: binary COPY)</td><td>no</td><td>no</td><td>yes</td></tr>
 *   <tr><td>Parquet zstd level, unless the format sets one</td><td>3</td><td>3</td><td>1</td></tr>
 * </table>
 *
 * <p>Use {@code SAFE} against a production primary, {@code BALANCED} for moderate load and {@code FAST} only on a replica
 * or an idle database. Derive your own with {@code Profile.SAFE.toBuilder()...build()} or {@link #custom()}. An
 * explicit setting on the {@link Export} beats the profile, which beats the built-in default.
 *
 * <p>The throttle is proportional to rows: after reading {@code n} rows Rivet pauses {@code throttle × n / batchRows},
 * so the total pause does not depend on how rows were batched. In chunked mode the pause is taken between chunk
 * transactions, never while one is open.
 */
public final class Profile {
    /** Gentle: small batches, long pauses, short timeouts, many retries. For production primaries. */
    public static final Profile SAFE = new Builder("safe")
            .batchRows(2_000).batchMemory(null).throttle(Duration.ofMillis(500))
            .statementTimeout(Duration.ofSeconds(120)).lockTimeout(Duration.ofSeconds(10))
            .maxRetries(10).retryBackoff(Duration.ofSeconds(5)).bulkReadEnabled(false).build();

    /** The default: moderate batches and pauses. */
    public static final Profile BALANCED = new Builder("balanced")
            .batchRows(10_000).batchMemory(DataSize.ofMebibytes(32)).throttle(Duration.ofMillis(50))
            .statementTimeout(Duration.ofSeconds(300)).lockTimeout(Duration.ofSeconds(30))
            .maxRetries(3).retryBackoff(Duration.ofSeconds(2)).bulkReadEnabled(false).build();

    /** As fast as the source can send: no throttle, no timeouts. For replicas and idle databases. */
    public static final Profile FAST = new Builder("fast")
            .batchRows(50_000).batchMemory(DataSize.ofMebibytes(64)).throttle(Duration.ZERO)
            .statementTimeout(Duration.ZERO).lockTimeout(Duration.ZERO)
            .maxRetries(1).retryBackoff(Duration.ofSeconds(1)).bulkReadEnabled(true).build();

    private final String name;
    private final int batchRows;
    private final DataSize batchMemory;
    private final Duration throttle;
    private final Duration statementTimeout;
    private final Duration lockTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final boolean bulkReadEnabled;

    private Profile(Builder b) {
        this.name = b.name;
        this.batchRows = b.batchRows;
        this.batchMemory = b.batchMemory;
        this.throttle = b.throttle;
        this.statementTimeout = b.statementTimeout;
        this.lockTimeout = b.lockTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.bulkReadEnabled = b.bulkReadEnabled;
    }

    /**
     * Returns the built-in profile called {@code name} ({@code safe}, {@code balanced} or {@code fast}, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Profile named(String name) {
        Objects.requireNonNull(name, "name");
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "safe" -> SAFE;
            case "balanced" -> BALANCED;
            case "fast" -> FAST;
            default -> throw new IllegalArgumentException(
                    "unknown profile \"" + name + "\"; use one of safe, balanced, fast");
        };
    }

    /** Starts a custom profile from the BALANCED values. */
    public static Builder custom() {
        return BALANCED.toBuilder().name("custom");
    }

    /** Returns a builder holding this profile's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The profile's name: {@code safe}, {@code balanced}, {@code fast}, or the custom name. */
    public String name() {
        return name;
    }

    /** Rows per batch when no memory target applies, and the upper bound on rows per batch otherwise. */
    public int batchRows() {
        return batchRows;
    }

    /**
     * The memory target per batch: batches are sized from the measured bytes per row so that one batch stays near this
     * size (never more than {@link #batchRows()} rows). {@code null} means a fixed {@link #batchRows()}.
     */
    public DataSize batchMemory() {
        return batchMemory;
    }

    /** The pause per {@link #batchRows()} rows read; {@link Duration#ZERO} disables throttling. */
    public Duration throttle() {
        return throttle;
    }

    /** The per-statement time limit on the source; {@link Duration#ZERO} means none. */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** How long a statement may wait for a lock on the source; {@link Duration#ZERO} means no limit. */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /** How many times a retryable failure of a chunk is retried. */
    public int maxRetries() {
        return maxRetries;
    }

    /** The base of the capped exponential backoff between retries. */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /**
     * Whether rows are read with the database's bulk export instead of a cursor, where the dialect has one
     * (PostgreSQL: {@code COPY (query) TO STDOUT (FORMAT binary)}; dialects without one always use their cursor or
     * streaming read). The bulk read is about three times faster, but it is one statement per chunk (per export in
     * the single-snapshot modes), so {@link #statementTimeout()} limits the whole chunk instead of one batch of rows,
     * and throttle pauses come between chunks, not inside one. Only {@link #FAST} enables it; docs/design/006 has
     * the measurements behind that choice.
     */
    public boolean bulkReadEnabled() {
        return bulkReadEnabled;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Profile p && p.name.equals(name) && p.batchRows == batchRows
                && Objects.equals(p.batchMemory, batchMemory) && p.throttle.equals(throttle)
                && p.statementTimeout.equals(statementTimeout) && p.lockTimeout.equals(lockTimeout)
                && p.maxRetries == maxRetries && p.retryBackoff.equals(retryBackoff)
                && p.bulkReadEnabled == bulkReadEnabled;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, batchRows, batchMemory, throttle, statementTimeout, lockTimeout, maxRetries,
                retryBackoff, bulkReadEnabled);
    }

    @Override
    public String toString() {
        return "Profile{" + name + ", batchRows=" + batchRows + ", batchMemory=" + batchMemory + ", throttle="
                + throttle.toMillis() + "ms, statementTimeout=" + statementTimeout.toSeconds() + "s, lockTimeout="
                + lockTimeout.toSeconds() + "s, maxRetries=" + maxRetries + ", bulkRead=" + bulkReadEnabled + "}";
    }

    /** Builds a {@link Profile}. Not thread-safe; {@link #build()} leaves the builder usable. */
    public static final class Builder {
        private String name;
        private int batchRows;
        private DataSize batchMemory;
        private Duration throttle = Duration.ZERO;
        private Duration statementTimeout = Duration.ZERO;
        private Duration lockTimeout = Duration.ZERO;
        private int maxRetries;
        private Duration retryBackoff = Duration.ofSeconds(1);
        private boolean bulkReadEnabled;

        private Builder(String name) {
            this.name = name;
        }

        private Builder(Profile p) {
            this.name = p.name;
            this.batchRows = p.batchRows;
            this.batchMemory = p.batchMemory;
            this.throttle = p.throttle;
            this.statementTimeout = p.statementTimeout;
            this.lockTimeout = p.lockTimeout;
            this.maxRetries = p.maxRetries;
            this.retryBackoff = p.retryBackoff;
            this.bulkReadEnabled = p.bulkReadEnabled;
        }

        /** Names the profile (shown in logs and run history). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Rows per batch; must be in 1..1,000,000. */
        public Builder batchRows(int batchRows) {
            if (batchRows < 1 || batchRows > 1_000_000) {
                throw new IllegalArgumentException("batchRows must be in 1..1000000 but was " + batchRows);
            }
            this.batchRows = batchRows;
            return this;
        }

        /** Memory target per batch, or {@code null} for fixed {@link #batchRows(int)} batches. */
        public Builder batchMemory(DataSize batchMemory) {
            if (batchMemory != null && batchMemory.toBytes() < 64 * 1024) {
                throw new IllegalArgumentException("batchMemory must be at least 64KB but was " + batchMemory);
            }
            this.batchMemory = batchMemory;
            return this;
        }

        /** Pause per batch of rows; zero disables. */
        public Builder throttle(Duration throttle) {
            this.throttle = nonNegative(throttle, "throttle");
            return this;
        }

        /** Per-statement time limit on the source; zero means none. */
        public Builder statementTimeout(Duration statementTimeout) {
            this.statementTimeout = nonNegative(statementTimeout, "statementTimeout");
            return this;
        }

        /** Lock wait limit on the source; zero means none. */
        public Builder lockTimeout(Duration lockTimeout) {
            this.lockTimeout = nonNegative(lockTimeout, "lockTimeout");
            return this;
        }

        /** Retries of a retryable chunk failure; 0..100. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 100) {
                throw new IllegalArgumentException("maxRetries must be in 0..100 but was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** Base delay of the capped exponential backoff between retries. */
        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = nonNegative(retryBackoff, "retryBackoff");
            return this;
        }

        /**
         * Whether to read with the database's bulk export (PostgreSQL: binary COPY) instead of a cursor; see
         * {@link Profile#bulkReadEnabled()}. Enable it when the source can take one long statement per chunk (a
         * replica, an idle database); keep it off where short statements matter more than speed.
         */
        public Builder bulkReadEnabled(boolean bulkReadEnabled) {
            this.bulkReadEnabled = bulkReadEnabled;
            return this;
        }

        /** Returns the profile. */
        public Profile build() {
            return new Profile(this);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " cannot be negative but was " + d);
            }
            return d;
        }
    }
}
