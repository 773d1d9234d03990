package io.rivet.spark;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Rivet;
import io.rivet.core.internal.distributed.ChunkResult;
import io.rivet.core.internal.engine.DefaultRivet;
import io.rivet.core.internal.pipeline.RemoteChunks;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a Rivet export on Apache Spark: the driver (this JVM) plans the chunks, records the ledger and commits
 * (manifest, {@code _SUCCESS}, state, run history) exactly as a single-machine run does; the executors export the
 * chunks, each writing its files under the run's deterministic names. The output is the same as
 * {@link Rivet#run(Export)}'s. See docs/spark.md.
 *
 * <p>Only chunked exports are distributed; other modes read one snapshot and run on the driver. The export's source
 * must be a JDBC URL with {@code passwordEnv} (set that variable on the executors) and its sink a URI sink every
 * executor can reach (a shared file system, S3 or GCS). Thread-safety: one call per export at a time.
 */
public final class RivetSpark {

    private RivetSpark() {
    }

    /**
     * Runs {@code export} with default {@link Options} and an engine with the default state directory
     * ({@code .rivet} on the driver), which it closes.
     */
    public static ExportResult run(SparkSession spark, Export export) {
        try (Rivet engine = Rivet.builder().build()) {
            return run(spark, engine, export, Options.defaults());
        }
    }

    /**
     * Runs (or with {@link Options#resume(boolean)} resumes) {@code export} on {@code spark}, recording state in
     * {@code engine}'s state store. The engine is the caller's and stays open.
     *
     * @throws RivetException as {@link Rivet#run(Export)} does; a failed run can be resumed
     */
    public static ExportResult run(SparkSession spark, Rivet engine, Export export, Options options) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(export, "export");
        Objects.requireNonNull(options, "options");
        if (!(engine instanceof DefaultRivet rivet)) {
            throw new RivetConfigException(export.name(), "RivetSpark needs the engine built by Rivet.builder(), not a "
                    + engine.getClass().getName() + ".", null);
        }
        return rivet.runDistributed(export, options.resume(), new SparkChunkDispatcher(spark, options));
    }

    static RivetException translate(String exportName, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RivetException r) {
                return r;
            }
        }
        // The first line of the innermost message: Spark's own adds a long stage/task dump.
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int cut = message.indexOf('\n');
        return new RivetException(exportName, "Export \"" + exportName + "\": the Spark job failed: "
                + (cut > 0 ? message.substring(0, cut) : message) + ". Resume the run to continue from its"
                + " committed chunks.", e);
    }

    /** How a Spark run behaves. Immutable; {@link #defaults()} then the {@code with} methods. */
    public static final class Options {
        private static final Consumer<ChunkResult> NO_DRIVER_HOOK = r -> { };

        private final int maxConnections;
        private final boolean resume;
        private final RemoteChunks.Hook executorHook;
        private final Consumer<ChunkResult> driverHook;

        private Options(int maxConnections, boolean resume, RemoteChunks.Hook executorHook,
                Consumer<ChunkResult> driverHook) {
            this.maxConnections = maxConnections;
            this.resume = resume;
            this.executorHook = executorHook;
            this.driverHook = driverHook;
        }

        /** 4 connections, no resume. */
        public static Options defaults() {
            return new Options(4, false, null, NO_DRIVER_HOOK);
        }

        /**
         * The most source connections the whole cluster holds at once (default 4): the chunks run in this many Spark
         * partitions, each reading its chunks one after another on one connection.
         */
        public Options maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1 but was " + maxConnections);
            }
            return new Options(maxConnections, resume, executorHook, driverHook);
        }

        /** Whether to resume the export's failed run (skipping its committed chunks) instead of starting anew. */
        public Options resume(boolean resume) {
            return new Options(maxConnections, resume, executorHook, driverHook);
        }

        /** The connection limit. */
        public int maxConnections() {
            return maxConnections;
        }

        /** Whether a failed run is resumed. */
        public boolean resume() {
            return resume;
        }

        /** Test seam: called on the executor after a chunk is staged, before it is published. */
        Options executorHook(RemoteChunks.Hook hook) {
            return new Options(maxConnections, resume, hook, driverHook);
        }

        /** Test seam: called on the driver after each chunk result is recorded. */
        Options driverHook(Consumer<ChunkResult> hook) {
            return new Options(maxConnections, resume, executorHook, hook);
        }

        RemoteChunks.Hook executorHook() {
            return executorHook;
        }

        Consumer<ChunkResult> driverHook() {
            return driverHook;
        }
    }
}
