package io.rivet;

import io.rivet.exception.InvalidExportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One export: what to read, how, and where to write it. Immutable and thread-safe; build it with {@link #builder()}
 * and run it with {@link Rivet#run(Export)} as often as you like.
 *
 * <pre>{@code
 * Export orders = Export.builder()
 *     .name("orders")
 *     .source(Source.postgres(dataSource))
 *     .table("public.orders")
 *     .mode(Mode.chunked("id").chunkSize(250_000).parallelism(4))
 *     .profile(Profile.SAFE)
 *     .format(Format.parquet().withCompression(Compression.ZSTD))
 *     .sink(Sink.local(Path.of("out")))
 *     .build();
 * }</pre>
 *
 * <p>Building opens no connection and loads no provider; checks against the database (the table and columns exist,
 * every column type maps) run when the export runs, before anything is written.
 */
public final class Export {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private final String name;
    private final Source source;
    private final String table;
    private final String query;
    private final Mode mode;
    private final Profile profile;
    private final Format format;
    private final Sink sink;
    private final Quality quality;
    private final boolean validate;
    private final boolean reconcile;
    private final DataSize maxFileSize;
    private final boolean skipEmpty;
    private final Integer batchRows;
    private final Duration throttle;
    private final Duration statementTimeout;
    private final Duration lockTimeout;
    private final Integer maxRetries;
    private final SchemaDriftPolicy onSchemaDrift;
    private final boolean strictTypes;

    private Export(Builder b) {
        this.name = b.name;
        this.source = b.source;
        this.table = b.table;
        this.query = b.query;
        this.mode = b.mode;
        this.profile = b.profile;
        this.format = b.format;
        this.sink = b.sink;
        this.quality = b.quality;
        this.validate = b.validate;
        this.reconcile = b.reconcile;
        this.maxFileSize = b.maxFileSize;
        this.skipEmpty = b.skipEmpty;
        this.batchRows = b.batchRows;
        this.throttle = b.throttle;
        this.statementTimeout = b.statementTimeout;
        this.lockTimeout = b.lockTimeout;
        this.maxRetries = b.maxRetries;
        this.onSchemaDrift = b.onSchemaDrift;
        this.strictTypes = b.strictTypes;
    }

    /** Starts a builder with the defaults: full mode, BALANCED profile, Parquet ZSTD, no quality gates. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this export's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The export's name: unique per state store; part of every output path. */
    public String name() {
        return name;
    }

    /** The source. */
    public Source source() {
        return source;
    }

    /** The table ({@code table} or {@code schema.table}), or {@code null} when a query was given. */
    public String table() {
        return table;
    }

    /** The query, or {@code null} when a table was given. */
    public String query() {
        return query;
    }

    /** The mode (default {@link Mode#full()}). */
    public Mode mode() {
        return mode;
    }

    /** The profile chosen (default {@link Profile#BALANCED}), before this export's own overrides. */
    public Profile profile() {
        return profile;
    }

    /**
     * The settings in force: the profile with this export's explicit overrides (batch rows, throttle, timeouts,
     * retries) applied on top.
     */
    public Profile effectiveProfile() {
        if (batchRows == null && throttle == null && statementTimeout == null && lockTimeout == null
                && maxRetries == null) {
            return profile;
        }
        Profile.Builder b = profile.toBuilder();
        if (batchRows != null) {
            // An explicit row count is a fixed batch: it disables the memory-sized batch, as in the Rust tool.
            b.batchRows(batchRows).batchMemory(null);
        }
        if (throttle != null) {
            b.throttle(throttle);
        }
        if (statementTimeout != null) {
            b.statementTimeout(statementTimeout);
        }
        if (lockTimeout != null) {
            b.lockTimeout(lockTimeout);
        }
        if (maxRetries != null) {
            b.maxRetries(maxRetries);
        }
        return b.build();
    }

    /** The file format (default Parquet with ZSTD). */
    public Format format() {
        return format;
    }

    /** The sink. */
    public Sink sink() {
        return sink;
    }

    /** The quality gates (default none). */
    public Quality quality() {
        return quality;
    }

    /** Whether each written file is read back and checked after the run (default false). */
    public boolean validate() {
        return validate;
    }

    /**
     * Whether the source's {@code COUNT(*)} of the same rows is compared with the rows written (default false). The
     * count runs inside the snapshot that read the rows (per chunk in chunked mode), so a busy table cannot cause a
     * false mismatch; it costs one more scan of each chunk's rows on the source.
     */
    public boolean reconcile() {
        return reconcile;
    }

    /** The size at which a file is closed and the next one started, or {@code null} for no limit. */
    public DataSize maxFileSize() {
        return maxFileSize;
    }

    /** Whether an empty result writes nothing at all, not even a manifest (default false). */
    public boolean skipEmpty() {
        return skipEmpty;
    }

    /** What a run does when the schema changed since the last accepted run (default {@link SchemaDriftPolicy#WARN}). */
    public SchemaDriftPolicy onSchemaDrift() {
        return onSchemaDrift;
    }

    /**
     * Whether the export fails at the first value that cannot be exported exactly (default false: such values are
     * exported and counted per column in {@link ExportResult#warnings()}). See {@link Builder#strictTypes(boolean)}.
     */
    public boolean strictTypes() {
        return strictTypes;
    }

    @Override
    public String toString() {
        return "Export{" + name + ", " + source + ", " + (table != null ? "table=" + table : "query")
                + ", " + mode + ", " + effectiveProfile() + ", " + format + ", sink=" + sink.location()
                + (maxFileSize == null ? "" : ", maxFileSize=" + maxFileSize)
                + (skipEmpty ? ", skipEmpty" : "") + (validate ? ", validate" : "") + (reconcile ? ", reconcile" : "")
                + (strictTypes ? ", strictTypes" : "") + (quality.isEmpty() ? "" : ", " + quality) + "}";
    }

    /**
     * Builds an {@link Export}. Not thread-safe. Each setter checks its own argument at once; {@link #build()} checks
     * the rules that span fields and reports all violations together. {@code build()} does not change the builder.
     */
    public static final class Builder {
        private String name;
        private Source source;
        private String table;
        private String query;
        private Mode mode = Mode.full();
        private Profile profile = Profile.BALANCED;
        private Format format = Format.parquet();
        private Sink sink;
        private Quality quality = Quality.NONE;
        private boolean validate;
        private boolean reconcile;
        private DataSize maxFileSize;
        private boolean skipEmpty;
        private Integer batchRows;
        private Duration throttle;
        private Duration statementTimeout;
        private Duration lockTimeout;
        private Integer maxRetries;
        private SchemaDriftPolicy onSchemaDrift = SchemaDriftPolicy.WARN;
        private boolean strictTypes;

        private Builder() {
        }

        private Builder(Export e) {
            this.name = e.name;
            this.source = e.source;
            this.table = e.table;
            this.query = e.query;
            this.mode = e.mode;
            this.profile = e.profile;
            this.format = e.format;
            this.sink = e.sink;
            this.quality = e.quality;
            this.validate = e.validate;
            this.reconcile = e.reconcile;
            this.maxFileSize = e.maxFileSize;
            this.skipEmpty = e.skipEmpty;
            this.batchRows = e.batchRows;
            this.throttle = e.throttle;
            this.statementTimeout = e.statementTimeout;
            this.lockTimeout = e.lockTimeout;
            this.maxRetries = e.maxRetries;
            this.onSchemaDrift = e.onSchemaDrift;
            this.strictTypes = e.strictTypes;
        }

        /** The export's name: letters, digits, {@code _ . -}; used in output paths and the state store. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Where to read from. */
        public Builder source(Source source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Exports a table, {@code table} or {@code schema.table}. Clears any query. */
        public Builder table(String table) {
            this.table = Objects.requireNonNull(table, "table");
            this.query = null;
            return this;
        }

        /** Exports the rows of a single SELECT statement. Clears any table. */
        public Builder query(String query) {
            this.query = Objects.requireNonNull(query, "query");
            this.table = null;
            return this;
        }

        /** Which rows to read and how to split the work (default full). */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How hard to lean on the source (default BALANCED). */
        public Builder profile(Profile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        /** The file format (default Parquet ZSTD). */
        public Builder format(Format format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** Where files go. */
        public Builder sink(Sink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Quality gates checked before publication (default none). */
        public Builder quality(Quality quality) {
            this.quality = Objects.requireNonNull(quality, "quality");
            return this;
        }

        /** Read each file back after writing and compare its row count (default false). */
        public Builder validate(boolean validate) {
            this.validate = validate;
            return this;
        }

        /** Compare the source's row count with the rows written, inside the same snapshot (default false). */
        public Builder reconcile(boolean reconcile) {
            this.reconcile = reconcile;
            return this;
        }

        /**
         * Whether a value that cannot be exported exactly fails the export (default false). Almost every mapping is
         * exact or fails the read on its own (design note 011); what remains lossy is named per dialect there: today
         * only MySQL/MariaDB zero dates exported as NULL under {@code zeroDateTimeBehavior=CONVERT_TO_NULL}. With
         * {@code false} those values are exported and counted per column in {@link ExportResult#warnings()} (and so
         * in the run history and a degraded notification); with {@code true} the export stops at the first batch
         * holding one, with a {@link io.rivet.exception.CheckFailedException} (check {@code strict_types}) naming
         * the column and the kind of loss, never the value, and publishes nothing.
         */
        public Builder strictTypes(boolean strictTypes) {
            this.strictTypes = strictTypes;
            return this;
        }

        /** Close a file and start the next at about this size (at least 1KB); {@code null} for no limit. */
        public Builder maxFileSize(DataSize maxFileSize) {
            if (maxFileSize != null && maxFileSize.toBytes() < 1024) {
                throw new IllegalArgumentException("maxFileSize must be at least 1KB but was " + maxFileSize);
            }
            this.maxFileSize = maxFileSize;
            return this;
        }

        /** Write nothing, not even a manifest, when the result is empty (default false). */
        public Builder skipEmpty(boolean skipEmpty) {
            this.skipEmpty = skipEmpty;
            return this;
        }

        /** Overrides the profile's rows per batch with a fixed count (1..1,000,000). */
        public Builder batchRows(int batchRows) {
            if (batchRows < 1 || batchRows > 1_000_000) {
                throw new IllegalArgumentException("batchRows must be in 1..1000000 but was " + batchRows);
            }
            this.batchRows = batchRows;
            return this;
        }

        /** Overrides the profile's throttle. */
        public Builder throttle(Duration throttle) {
            this.throttle = nonNegative(throttle, "throttle");
            return this;
        }

        /** Overrides the profile's statement timeout (zero: none). */
        public Builder statementTimeout(Duration statementTimeout) {
            this.statementTimeout = nonNegative(statementTimeout, "statementTimeout");
            return this;
        }

        /** Overrides the profile's lock timeout (zero: none). */
        public Builder lockTimeout(Duration lockTimeout) {
            this.lockTimeout = nonNegative(lockTimeout, "lockTimeout");
            return this;
        }

        /** Overrides the profile's retry count (0..100). */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 100) {
                throw new IllegalArgumentException("maxRetries must be in 0..100 but was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** What to do when the schema changed since the last accepted run (default warn). */
        public Builder onSchemaDrift(SchemaDriftPolicy onSchemaDrift) {
            this.onSchemaDrift = Objects.requireNonNull(onSchemaDrift, "onSchemaDrift");
            return this;
        }

        /** Applies {@code mutation} to this builder: lets frameworks layer their defaults. */
        public Builder apply(Consumer<Builder> mutation) {
            mutation.accept(this);
            return this;
        }

        /**
         * Returns the export.
         *
         * @throws InvalidExportException listing every violated rule
         */
        public Export build() {
            List<String> violations = new ArrayList<>();
            if (name == null) {
                violations.add("a name is required: call .name(...)");
            } else if (!NAME.matcher(name).matches()) {
                violations.add("name \"" + name + "\" must be 1-128 letters, digits, '_', '.' or '-', starting with"
                        + " a letter or digit");
            }
            if (source == null) {
                violations.add("a source is required: call .source(Source.jdbcUrl(...)) or .source(Source.postgres(ds))");
            }
            if (table == null && query == null) {
                violations.add("a table or a query is required: call .table(\"schema.table\") or .query(\"select ...\")");
            }
            if (table != null) {
                String[] parts = table.split("\\.", -1);
                boolean ok = parts.length <= 2;
                for (String p : parts) {
                    ok &= IDENTIFIER.matcher(p).matches();
                }
                if (!ok) {
                    violations.add("table \"" + table + "\" must be table or schema.table made of letters, digits,"
                            + " '_' and '$'; for other names use .query(\"select * from \\\"odd name\\\"\")");
                }
            }
            if (query != null && query.isBlank()) {
                violations.add("the query is blank");
            }
            if (sink == null) {
                violations.add("a sink is required: call .sink(Sink.local(Path.of(\"out\"))) or .sink(Sink.uri(...))");
            }
            if (mode instanceof ChunkedMode c && c.column() == null && table == null) {
                violations.add("chunked mode over a query needs a chunk column: use Mode.chunked(\"column\")");
            }
            if (!violations.isEmpty()) {
                throw new InvalidExportException(name, violations);
            }
            return new Export(this);
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
