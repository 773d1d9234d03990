package io.rivet;

import io.rivet.state.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What a finished export run wrote. Immutable and thread-safe. Failures are thrown, not returned. */
public final class ExportResult {
    private final String exportName;
    private final String runId;
    private final RunStatus status;
    private final long rows;
    private final long bytes;
    private final List<OutputFile> files;
    private final Duration duration;
    private final List<String> warnings;
    private final String manifestKey;
    private final int chunks;
    private final boolean resumed;
    private final int retries;
    private final List<String> schemaChanges;

    private ExportResult(Builder b) {
        this.exportName = Objects.requireNonNull(b.exportName, "exportName");
        this.runId = Objects.requireNonNull(b.runId, "runId");
        this.status = Objects.requireNonNull(b.status, "status");
        this.rows = b.rows;
        this.bytes = b.bytes;
        this.files = List.copyOf(b.files);
        this.duration = Objects.requireNonNull(b.duration, "duration");
        this.warnings = List.copyOf(b.warnings);
        this.manifestKey = b.manifestKey;
        this.chunks = b.chunks;
        this.resumed = b.resumed;
        this.retries = b.retries;
        this.schemaChanges = List.copyOf(b.schemaChanges);
    }

    /** Starts a builder; used by the engine. */
    public static Builder builder() {
        return new Builder();
    }

    /** The export's name. */
    public String exportName() {
        return exportName;
    }

    /** The run's id, also the name of its output prefix. */
    public String runId() {
        return runId;
    }

    /** {@link RunStatus#SUCCEEDED} or {@link RunStatus#SKIPPED} (empty result with skipEmpty). */
    public RunStatus status() {
        return status;
    }

    /** Rows written. */
    public long rows() {
        return rows;
    }

    /** Bytes written across all data files. */
    public long bytes() {
        return bytes;
    }

    /** The published data files, by chunk and sequence. Unmodifiable. */
    public List<OutputFile> files() {
        return files;
    }

    /** Wall time of the run. */
    public Duration duration() {
        return duration;
    }

    /** Warnings raised during the run. Unmodifiable. */
    public List<String> warnings() {
        return warnings;
    }

    /** The key of {@code manifest.json} below the sink root, or {@code null} when the run was skipped. */
    public String manifestKey() {
        return manifestKey;
    }

    /** How many chunks the run had (1 for unchunked modes). */
    public int chunks() {
        return chunks;
    }

    /** Whether this run continued a failed one. */
    public boolean resumed() {
        return resumed;
    }

    /** How many chunk retries were taken. */
    public int retries() {
        return retries;
    }

    /** Whether this run's schema differs from the export's previously accepted schema. */
    public boolean schemaChanged() {
        return !schemaChanges.isEmpty();
    }

    /** How the schema changed, one sentence per column (empty when it did not). Unmodifiable. */
    public List<String> schemaChanges() {
        return schemaChanges;
    }

    @Override
    public String toString() {
        return "ExportResult{" + exportName + ", run=" + runId + ", " + status + ", rows=" + rows + ", files="
                + files.size() + ", bytes=" + bytes + ", duration=" + duration + "}";
    }

    /** Builds an {@link ExportResult}. Not thread-safe. */
    public static final class Builder {
        private String exportName;
        private String runId;
        private RunStatus status;
        private long rows;
        private long bytes;
        private List<OutputFile> files = List.of();
        private Duration duration = Duration.ZERO;
        private List<String> warnings = List.of();
        private String manifestKey;
        private int chunks = 1;
        private boolean resumed;
        private int retries;
        private List<String> schemaChanges = List.of();

        private Builder() {
        }

        /** Sets the export name. */
        public Builder exportName(String v) { this.exportName = v; return this; }
        /** Sets the run id. */
        public Builder runId(String v) { this.runId = v; return this; }
        /** Sets the status. */
        public Builder status(RunStatus v) { this.status = v; return this; }
        /** Sets the row count. */
        public Builder rows(long v) { this.rows = v; return this; }
        /** Sets the byte count. */
        public Builder bytes(long v) { this.bytes = v; return this; }
        /** Sets the files. */
        public Builder files(List<OutputFile> v) { this.files = v; return this; }
        /** Sets the duration. */
        public Builder duration(Duration v) { this.duration = v; return this; }
        /** Sets the warnings. */
        public Builder warnings(List<String> v) { this.warnings = v; return this; }
        /** Sets the manifest key. */
        public Builder manifestKey(String v) { this.manifestKey = v; return this; }
        /** Sets the chunk count. */
        public Builder chunks(int v) { this.chunks = v; return this; }
        /** Sets whether the run was resumed. */
        public Builder resumed(boolean v) { this.resumed = v; return this; }
        /** Sets the retry count. */
        public Builder retries(int v) { this.retries = v; return this; }

        /** Sets the schema changes. */
        public Builder schemaChanges(List<String> v) { this.schemaChanges = v; return this; }

        /** Returns the result. */
        public ExportResult build() {
            return new ExportResult(this);
        }
    }
}
