package io.rivet.check;

import io.rivet.Mode;
import io.rivet.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A live table as {@link io.rivet.Rivet#discoverTable(io.rivet.Source, String)} found it, with a suggestion of how to
 * export it: the mode (with its cursor or chunk column, chunk size and parallelism), the profile, and the reasons.
 * This is what {@code rivet init} turns into YAML. Immutable and thread-safe.
 *
 * <p>The suggestion follows fixed rules (docs/design/009-check-and-init.md): at most 100,000 estimated rows: full; more,
 * with a single-column integer primary key: chunked by it, parallelism 1, 2 or 4 by size; more, with an indexed
 * timestamp column named like {@code updated_at} or {@code modified_at}: incremental; otherwise full, with a note.
 */
public final class TableDiscovery {
    private final String table;
    private final String kind;
    private final long rowEstimate;
    private final long totalBytes;
    private final List<Column> columns;
    private final List<String> primaryKey;
    private final List<Index> indexes;
    private final Mode suggestedMode;
    private final Profile suggestedProfile;
    private final String suggestedQuery;
    private final List<String> reasons;
    private final List<String> notes;

    private TableDiscovery(Builder b) {
        this.table = b.table;
        this.kind = b.kind;
        this.rowEstimate = b.rowEstimate;
        this.totalBytes = b.totalBytes;
        this.columns = List.copyOf(b.columns);
        this.primaryKey = List.copyOf(b.primaryKey);
        this.indexes = List.copyOf(b.indexes);
        this.suggestedMode = b.suggestedMode;
        this.suggestedProfile = b.suggestedProfile;
        this.suggestedQuery = b.suggestedQuery;
        this.reasons = List.copyOf(b.reasons);
        this.notes = List.copyOf(b.notes);
    }

    /** Starts a description of {@code table} ({@code schema.table}). */
    public static Builder builder(String table) {
        return new Builder(table);
    }

    /** The table, {@code schema.table}. */
    public String table() {
        return table;
    }

    /** What the relation is, as the database calls it: {@code table}, {@code partitioned table}, ... */
    public String kind() {
        return kind;
    }

    /** The estimated row count from the database's statistics, or -1 when it was never analyzed. */
    public long rowEstimate() {
        return rowEstimate;
    }

    /** The table's size on disk including indexes and TOAST, in bytes, or -1 when unknown. */
    public long totalBytes() {
        return totalBytes;
    }

    /** The columns, in table order. Unmodifiable. */
    public List<Column> columns() {
        return columns;
    }

    /** The primary key's columns, in key order; empty when there is none. Unmodifiable. */
    public List<String> primaryKey() {
        return primaryKey;
    }

    /** The table's valid, non-partial indexes on plain columns. Unmodifiable. */
    public List<Index> indexes() {
        return indexes;
    }

    /** The suggested mode, with its column, chunk size and parallelism set. */
    public Mode suggestedMode() {
        return suggestedMode;
    }

    /** The suggested built-in profile. */
    public Profile suggestedProfile() {
        return suggestedProfile;
    }

    /**
     * A query to export instead of the table when some columns have no faithful mapping (they are cast to text there),
     * or {@code null} when the table can be exported as it is.
     */
    public String suggestedQuery() {
        return suggestedQuery;
    }

    /** Why the mode, column, chunk size, parallelism and profile were chosen, one sentence each. Unmodifiable. */
    public List<String> reasons() {
        return reasons;
    }

    /** What to review before running (a nullable cursor, a missing index, a column cast to text). Unmodifiable. */
    public List<String> notes() {
        return notes;
    }

    @Override
    public String toString() {
        return "TableDiscovery{" + table + ", rows~" + rowEstimate + ", " + suggestedMode + ", "
                + suggestedProfile.name() + "}";
    }

    /**
     * One column of a discovered table.
     *
     * @param name the column's name
     * @param sourceType the database's type name, e.g. {@code timestamptz}
     * @param nullable whether it may hold NULL
     * @param exportable whether Rivet maps its type faithfully (otherwise {@link #suggestedQuery()} casts it)
     */
    public record Column(String name, String sourceType, boolean nullable, boolean exportable) {
        /** Checks the values. */
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sourceType, "sourceType");
        }
    }

    /**
     * One index of a discovered table.
     *
     * @param name the index's name
     * @param columns its key columns, in order
     * @param unique whether it is unique
     * @param primary whether it backs the primary key
     */
    public record Index(String name, List<String> columns, boolean unique, boolean primary) {
        /** Checks and copies the values. */
        public Index {
            Objects.requireNonNull(name, "name");
            columns = List.copyOf(columns);
        }
    }

    /** Builds a {@link TableDiscovery}. Not thread-safe; {@link #build()} leaves the builder usable. */
    public static final class Builder {
        private final String table;
        private String kind = "table";
        private long rowEstimate = -1;
        private long totalBytes = -1;
        private final List<Column> columns = new ArrayList<>();
        private final List<String> primaryKey = new ArrayList<>();
        private final List<Index> indexes = new ArrayList<>();
        private Mode suggestedMode = Mode.full();
        private Profile suggestedProfile = Profile.BALANCED;
        private String suggestedQuery;
        private final List<String> reasons = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        private Builder(String table) {
            this.table = Objects.requireNonNull(table, "table");
        }

        /** The relation's kind (default {@code table}). */
        public Builder kind(String kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** The estimated rows (default -1: unknown). */
        public Builder rowEstimate(long rowEstimate) {
            this.rowEstimate = rowEstimate < 0 ? -1 : rowEstimate;
            return this;
        }

        /** The size in bytes (default -1: unknown). */
        public Builder totalBytes(long totalBytes) {
            this.totalBytes = totalBytes < 0 ? -1 : totalBytes;
            return this;
        }

        /** Adds a column. */
        public Builder addColumn(Column column) {
            columns.add(Objects.requireNonNull(column, "column"));
            return this;
        }

        /** Sets the primary key's columns. */
        public Builder primaryKey(List<String> key) {
            primaryKey.clear();
            primaryKey.addAll(key);
            return this;
        }

        /** Adds an index. */
        public Builder addIndex(Index index) {
            indexes.add(Objects.requireNonNull(index, "index"));
            return this;
        }

        /** The suggested mode (default full). */
        public Builder suggestedMode(Mode mode) {
            this.suggestedMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The suggested profile (default BALANCED). */
        public Builder suggestedProfile(Profile profile) {
            this.suggestedProfile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        /** A query to export instead of the table, or {@code null} (the default). */
        public Builder suggestedQuery(String query) {
            this.suggestedQuery = query;
            return this;
        }

        /** Adds a reason for the suggestion. */
        public Builder reason(String reason) {
            reasons.add(Objects.requireNonNull(reason, "reason"));
            return this;
        }

        /** Adds a note to review. */
        public Builder note(String note) {
            notes.add(Objects.requireNonNull(note, "note"));
            return this;
        }

        /** Returns the description. */
        public TableDiscovery build() {
            return new TableDiscovery(this);
        }
    }
}
