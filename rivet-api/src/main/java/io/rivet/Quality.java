package io.rivet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Quality gates checked on the rows an export wrote, before anything is published: a failing gate publishes no
 * manifest and no {@code _SUCCESS}, and does not advance the cursor. Immutable and thread-safe.
 */
public final class Quality {
    /** No gates. */
    public static final Quality NONE = builder().build();

    private final Long rowCountMin;
    private final Long rowCountMax;
    private final Map<String, Double> nullRatioMax;
    private final List<String> uniqueColumns;

    private Quality(Builder b) {
        this.rowCountMin = b.rowCountMin;
        this.rowCountMax = b.rowCountMax;
        this.nullRatioMax = Collections.unmodifiableMap(new LinkedHashMap<>(b.nullRatioMax));
        this.uniqueColumns = List.copyOf(b.uniqueColumns);
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The minimum total row count, or {@code null}. */
    public Long rowCountMin() {
        return rowCountMin;
    }

    /** The maximum total row count, or {@code null}. */
    public Long rowCountMax() {
        return rowCountMax;
    }

    /** The largest allowed share of NULLs per column (0..1). Unmodifiable. */
    public Map<String, Double> nullRatioMax() {
        return nullRatioMax;
    }

    /** Columns whose non-null values must be unique. Unmodifiable. */
    public List<String> uniqueColumns() {
        return uniqueColumns;
    }

    /** Whether no gate is set. */
    public boolean isEmpty() {
        return rowCountMin == null && rowCountMax == null && nullRatioMax.isEmpty() && uniqueColumns.isEmpty();
    }

    @Override
    public String toString() {
        return "Quality{rowCountMin=" + rowCountMin + ", rowCountMax=" + rowCountMax + ", nullRatioMax="
                + nullRatioMax + ", uniqueColumns=" + uniqueColumns + "}";
    }

    /** Builds a {@link Quality}. Not thread-safe. */
    public static final class Builder {
        private Long rowCountMin;
        private Long rowCountMax;
        private final Map<String, Double> nullRatioMax = new LinkedHashMap<>();
        private final List<String> uniqueColumns = new ArrayList<>();

        private Builder() {
        }

        /** Fails the export when it wrote fewer than {@code min} rows. */
        public Builder rowCountMin(long min) {
            if (min < 0) {
                throw new IllegalArgumentException("rowCountMin cannot be negative but was " + min);
            }
            this.rowCountMin = min;
            return this;
        }

        /** Fails the export when it wrote more than {@code max} rows. */
        public Builder rowCountMax(long max) {
            if (max < 0) {
                throw new IllegalArgumentException("rowCountMax cannot be negative but was " + max);
            }
            this.rowCountMax = max;
            return this;
        }

        /** Fails the export when the share of NULLs in {@code column} exceeds {@code ratio} (0..1). */
        public Builder nullRatioMax(String column, double ratio) {
            Objects.requireNonNull(column, "column");
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("null_ratio_max for " + column + " must be in 0..1 but was " + ratio);
            }
            nullRatioMax.put(column, ratio);
            return this;
        }

        /** Fails the export when a non-null value of {@code column} appears twice. */
        public Builder addUniqueColumn(String column) {
            uniqueColumns.add(Objects.requireNonNull(column, "column"));
            return this;
        }

        /** Replaces the unique columns. */
        public Builder uniqueColumns(List<String> columns) {
            uniqueColumns.clear();
            columns.forEach(this::addUniqueColumn);
            return this;
        }

        /** Returns the gates. @throws IllegalArgumentException when min exceeds max */
        public Quality build() {
            if (rowCountMin != null && rowCountMax != null && rowCountMin > rowCountMax) {
                throw new IllegalArgumentException(
                        "rowCountMin (" + rowCountMin + ") is greater than rowCountMax (" + rowCountMax + ")");
            }
            return new Quality(this);
        }
    }
}
