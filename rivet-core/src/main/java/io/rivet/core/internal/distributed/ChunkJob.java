package io.rivet.core.internal.distributed;

import io.rivet.Compression;
import io.rivet.CsvFormat;
import io.rivet.DataSize;
import io.rivet.Export;
import io.rivet.Format;
import io.rivet.ParquetFormat;
import io.rivet.Profile;
import io.rivet.Source;
import io.rivet.UriSink;
import io.rivet.core.spi.Column;
import io.rivet.exception.RivetConfigException;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an executor needs to run the chunk tasks of one run, as a serializable value: the source by URL and
 * credential reference (an environment variable name, never a password or a live DataSource), the sink by URI, the
 * format, the profile's read settings, the run's prefix and the planned columns. Built on the driver by
 * {@link #of}; immutable. For rivet-spark, not for applications.
 *
 * @param exportName the export's name
 * @param target the table or query, for messages
 * @param runId the run
 * @param prefix the run's key prefix, {@code <export>/<run_id>/}
 * @param dialect the source dialect name, or null to detect it from the URL
 * @param url the JDBC URL
 * @param user the user, or null
 * @param passwordEnv the environment variable holding the password on every executor, or null
 * @param sourceProperties extra JDBC properties
 * @param sinkUri the sink's URI
 * @param sinkOptions the sink's options (credential references, never secrets)
 * @param format the format's settings
 * @param profile the profile's read settings
 * @param maxFileSize roll files at this size, or 0
 * @param reconcile whether each chunk's rows are counted again in its snapshot
 * @param columns the planned columns
 * @param chunkMemoryLimit Arrow memory one chunk may use on an executor, in bytes
 */
public record ChunkJob(String exportName, String target, String runId, String prefix, String dialect, String url,
        String user, String passwordEnv, Map<String, String> sourceProperties, URI sinkUri,
        Map<String, String> sinkOptions, FormatSpec format, ProfileSpec profile, long maxFileSize, boolean reconcile,
        List<Column> columns, long chunkMemoryLimit) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Copies the collections into serializable ones. */
    public ChunkJob {
        sourceProperties = new LinkedHashMap<>(sourceProperties);
        sinkOptions = new LinkedHashMap<>(sinkOptions);
        columns = new ArrayList<>(columns);
    }

    /**
     * Describes {@code export}'s run {@code runId} for executors.
     *
     * @throws RivetConfigException when the export cannot run elsewhere: a DataSource source, an inline password, a
     *     sink object that is not a {@link UriSink}, a unique_columns quality gate, or strict_types
     */
    public static ChunkJob of(Export export, String target, String runId, String prefix, List<Column> columns,
            Format format, long chunkMemoryLimit) {
        check(export);
        Profile p = export.effectiveProfile();
        Source source = export.source();
        UriSink sink = (UriSink) export.sink();
        return new ChunkJob(export.name(), target, runId, prefix, source.dialect(), source.url(), source.user(),
                source.passwordEnv(), source.properties(), sink.uri(), sink.options(), FormatSpec.of(format),
                new ProfileSpec(p.name(), p.batchRows(), p.batchMemory() == null ? 0 : p.batchMemory().toBytes(),
                        p.throttle(), p.statementTimeout(), p.lockTimeout(), p.maxRetries(), p.retryBackoff()),
                export.maxFileSize() == null ? 0 : export.maxFileSize().toBytes(), export.reconcile(), columns,
                chunkMemoryLimit);
    }

    /**
     * Refuses, before anything runs, an export that cannot run on executors (see {@link #of}).
     *
     * @throws RivetConfigException naming what to change
     */
    public static void check(Export export) {
        String name = export.name();
        Source source = export.source();
        if (source.url() == null || source.dataSource() != null) {
            throw refuse(name, "its source is a DataSource object, which cannot travel to executors. Describe the"
                    + " source by JDBC URL (Source.jdbcUrl or source.url in rivet.yaml) with password_env.");
        }
        if (source.passwordEnv() == null && source.resolvePassword() != null) {
            throw refuse(name, "its source has an inline password, which would be shipped to every executor. Use"
                    + " password_env (Source.builder().passwordEnv(\"PGPASSWORD\")) and set that variable on the"
                    + " executors (spark.executorEnv.PGPASSWORD or a Kubernetes secret).");
        }
        if (!Source.redact(source.url()).equals(source.url())) {
            throw refuse(name, "its source URL carries a password, which would be shipped to every executor. Give the"
                    + " URL without it (url or host/port/database in rivet.yaml) and the password by password_env.");
        }
        if (!(export.sink() instanceof UriSink)) {
            throw refuse(name, "its sink is a " + export.sink().getClass().getName() + " object; executors need a"
                    + " URI sink they can open themselves (Sink.local(path), Sink.uri(\"s3://...\")).");
        }
        if (export.strictTypes()) {
            throw refuse(name, "strict_types is checked where rows are read, and Spark executors do not report lossy"
                    + " values back yet. Run this export on one machine, or without strict_types.");
        }
        if (!export.quality().uniqueColumns().isEmpty()) {
            throw refuse(name, "its quality gate unique_columns needs every key in one process. Remove"
                    + " unique_columns for the Spark run, or run this export on one machine.");
        }
    }

    private static RivetConfigException refuse(String name, String why) {
        return new RivetConfigException(name, "Export \"" + name + "\" cannot run on Spark: " + why, null);
    }

    /** The source, rebuilt on the executor (the password is read there from {@link #passwordEnv()}). */
    public Source source() {
        Source.Builder b = Source.builder().url(url);
        if (dialect != null) {
            b.dialect(dialect);
        }
        if (user != null) {
            b.user(user);
        }
        if (passwordEnv != null) {
            b.passwordEnv(passwordEnv);
        }
        sourceProperties.forEach(b::property);
        return b.build();
    }

    /**
     * A format's settings.
     *
     * @param name {@code parquet} or {@code csv}
     * @param compression Parquet compression name
     * @param compressionLevel Parquet compression level, or 0 for the codec's default
     * @param rowGroupBytes Parquet row group size
     * @param delimiter CSV delimiter
     * @param header CSV header
     * @param nullString CSV NULL text
     */
    public record FormatSpec(String name, String compression, int compressionLevel, long rowGroupBytes, char delimiter, boolean header,
            String nullString) implements Serializable {
        private static final long serialVersionUID = 1L;

        static FormatSpec of(Format f) {
            if (f instanceof ParquetFormat p) {
                return new FormatSpec("parquet", p.compression().name(), p.compressionLevel().orElse(0),
                        p.rowGroupSize().toBytes(), ',', false, null);
            }
            if (f instanceof CsvFormat c) {
                return new FormatSpec("csv", null, 0, 0, c.delimiter(), c.header(), c.nullString());
            }
            throw new IllegalArgumentException("format " + f.name() + " cannot be described for executors");
        }

        /** The format again. */
        public Format toFormat() {
            if (name.equals("parquet")) {
                ParquetFormat p = Format.parquet().withCompression(Compression.parse(compression))
                        .withRowGroupSize(DataSize.ofBytes(rowGroupBytes));
                return compressionLevel == 0 ? p : p.withCompressionLevel(compressionLevel);
            }
            return Format.csv().withDelimiter(delimiter).withHeader(header).withNullString(nullString);
        }
    }

    /**
     * The profile's settings that executors use.
     *
     * @param name the profile's name
     * @param batchRows rows per batch
     * @param batchMemoryBytes memory target per batch, or 0
     * @param throttle pause per batch of rows
     * @param statementTimeout statement timeout
     * @param lockTimeout lock timeout
     * @param maxRetries retries of a failed chunk on the executor
     * @param retryBackoff base backoff between retries
     */
    public record ProfileSpec(String name, int batchRows, long batchMemoryBytes, Duration throttle,
            Duration statementTimeout, Duration lockTimeout, int maxRetries, Duration retryBackoff)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The profile again. */
        public Profile toProfile() {
            return Profile.custom().name(name).batchRows(batchRows)
                    .batchMemory(batchMemoryBytes > 0 ? DataSize.ofBytes(batchMemoryBytes) : null).throttle(throttle)
                    .statementTimeout(statementTimeout).lockTimeout(lockTimeout).maxRetries(maxRetries)
                    .retryBackoff(retryBackoff).build();
        }
    }
}
