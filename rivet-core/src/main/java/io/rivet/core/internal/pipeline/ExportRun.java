package io.rivet.core.internal.pipeline;

import io.rivet.ChunkInfo;
import io.rivet.ChunkedMode;
import io.rivet.Compression;
import io.rivet.DataSize;
import io.rivet.Export;
import io.rivet.ExportListener;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.OutputFile;
import io.rivet.ParquetFormat;
import io.rivet.Profile;
import io.rivet.Quality;
import io.rivet.Sink;
import io.rivet.core.internal.distributed.ChunkDispatcher;
import io.rivet.core.internal.distributed.ChunkJob;
import io.rivet.core.internal.distributed.ChunkResult;
import io.rivet.core.internal.engine.ProviderRegistry;
import io.rivet.core.internal.manifest.Manifest;
import io.rivet.core.internal.manifest.ManifestReader;
import io.rivet.core.internal.plan.ChunkTask;
import io.rivet.core.internal.plan.ExportPlan;
import io.rivet.core.internal.plan.Planner;
import io.rivet.core.internal.source.SourceConnections;
import io.rivet.core.internal.source.SourceErrors;
import io.rivet.core.internal.util.Hex;
import io.rivet.core.internal.util.ProcessMemory;
import io.rivet.core.internal.verify.OutputValidator;
import io.rivet.core.internal.verify.SchemaDrift;
import io.rivet.core.internal.verify.UniqueTracker;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.FormatWriter;
import io.rivet.core.spi.SessionSettings;
import io.rivet.exception.CheckFailedException;
import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.exception.SchemaDriftException;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import io.rivet.state.ChunkCheckpoint;
import io.rivet.state.ChunkRun;
import io.rivet.state.ChunkStatus;
import io.rivet.state.CursorState;
import io.rivet.state.FileRecord;
import io.rivet.state.RunRecord;
import io.rivet.state.RunStatus;
import io.rivet.state.SchemaBaseline;
import io.rivet.state.StateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one export, from plan to publication. Publication follows DESIGN.md section 6: data files (per chunk,
 * all at once), then the ledger, then {@code manifest.json}, then {@code _SUCCESS}, then the cursor or checkpoint,
 * then the run record, then the listeners. A failure before the manifest leaves no manifest: consumers, who read
 * through it, see nothing of the failed run.
 */
public final class ExportRun {
    private static final Logger LOG = LoggerFactory.getLogger(ExportRun.class);
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /**
     * How a chunk's share of the engine's memory limit is spent (docs/design/006): each of its three in-flight batches
     * aims at 1/64 of it and the Parquet row group being assembled at 1/32, so a run plans for about 5/64 of the limit
     * whatever its parallelism (with the default 512 MB and two workers: 4 MB batches and 8 MB row groups, 40 MB).
     * The rest is headroom for values wider than the batch's first rows and the writers' open pages; the limit itself
     * stays a hard cap. Measured: larger batches and row groups buy no speed but cost resident memory (16 MB row
     * groups cost 28 MB of RSS locally and 85 MB with the S3 sink on uncompressed Parquet; design note 013).
     */
    static final int BATCH_SHARE_DIVISOR = 64;
    static final int ROW_GROUP_SHARE_DIVISOR = 32;
    /** zstd's level under the FAST profile when the export sets none: a third less compression time, ~10% more bytes. */
    static final int FAST_ZSTD_LEVEL = 1;

    private final Export export;
    private final String name;
    private final boolean resumeRequested;
    private final ProviderRegistry providers;
    private final StateStore store;
    private final ExportListener listener;
    private final BufferAllocator engineAllocator;
    private final Profile profile;
    private final int parallelism;
    /** Runs chunk tasks elsewhere (rivet-spark), or null for this machine's worker threads. */
    private final ChunkDispatcher dispatcher;
    private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger retries = new AtomicInteger();
    private volatile List<String> schemaChanges = List.of();
    private volatile RunProgress progress;
    private volatile UniqueTracker uniqueTracker;
    private final LossTracker losses;
    private volatile boolean cancelled;
    private volatile ExecutorService workers;

    /** Prepares a run; nothing happens until {@link #execute(Sink)}. */
    public ExportRun(Export export, boolean resume, ProviderRegistry providers, StateStore store,
            ExportListener listener, BufferAllocator engineAllocator) {
        this(export, resume, providers, store, listener, engineAllocator, null);
    }

    /**
     * Prepares a run whose chunk tasks (chunked mode) run through {@code dispatcher} instead of local worker threads;
     * planning, crash recovery, the ledger and the commit stay here. Other modes run here as usual. For rivet-spark.
     */
    public ExportRun(Export export, boolean resume, ProviderRegistry providers, StateStore store,
            ExportListener listener, BufferAllocator engineAllocator, ChunkDispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.export = export;
        this.name = export.name();
        this.resumeRequested = resume;
        this.providers = providers;
        this.store = store;
        this.listener = listener;
        this.engineAllocator = engineAllocator;
        this.profile = export.effectiveProfile();
        this.parallelism = export.mode() instanceof ChunkedMode m ? m.parallelism() : 1;
        this.losses = new LossTracker(name, export.strictTypes());
    }

    /** Asks the run to stop; its workers are interrupted and it fails with {@link ExportCancelledException}. */
    public void cancel() {
        cancelled = true;
        ExecutorService w = workers;
        if (w != null) {
            w.shutdownNow();
        }
    }

    /** Runs the export into {@code sink} (already resolved) and returns what it published. */
    public ExportResult execute(Sink sink) {
        FormatProvider formats = providers.format(export.format().name());
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        try (SourceConnections source = SourceConnections.open(export.source(), providers, parallelism + 1, name);
                BufferAllocator runAllocator = engineAllocator.newChildAllocator(name, 0,
                        engineAllocator.getLimit())) {
            Planner planner = new Planner(export, source.dialect());
            Setup setup = new Setup(sink, formats, source, planner, runAllocator, started, t0);
            recoverInterruptedRuns(sink);
            return export.mode() instanceof ChunkedMode ? runChunked(setup) : runSingle(setup);
        }
    }

    /** Everything a run needs while it executes. */
    private record Setup(Sink sink, FormatProvider formats, SourceConnections source, Planner planner,
            BufferAllocator allocator, Instant started, long t0) {
    }

    // ---------------------------------------------------------------- crash recovery

    /**
     * Settles runs of this export that a killed process left RUNNING. One that published its {@code _SUCCESS} only
     * missed its bookkeeping: its cursor (read back from its manifest) and its records are completed, so the next read
     * starts after it and nothing is exported twice. One that did not publish is marked FAILED (a chunked one stays
     * resumable) and its staged leftovers are removed. Assumes one process runs an export at a time.
     */
    private void recoverInterruptedRuns(Sink sink) {
        for (RunRecord r : store.runs(name, 20)) {
            if (r.status() != RunStatus.RUNNING) {
                continue;
            }
            String prefix = name + "/" + r.runId() + "/";
            if (sink.list(prefix + Manifest.SUCCESS_FILE_NAME).contains(prefix + Manifest.SUCCESS_FILE_NAME)) {
                String manifest = readText(sink, prefix + Manifest.FILE_NAME);
                String cursor = ManifestReader.string(manifest, "cursor_to");
                if (ManifestReader.string(manifest, "cursor_column") != null && cursor != null) {
                    store.saveCursor(name, new CursorState(cursor, ManifestReader.string(manifest, "cursor_to_key"),
                            r.runId(), Instant.now()));
                }
                store.unfinishedChunkRun(name).filter(c -> c.runId().equals(r.runId()))
                        .ifPresent(c -> store.closeChunkRun(name, r.runId(), true));
                List<FileRecord> files = store.files(name, r.runId());
                store.recordRun(new RunRecord(r.runId(), name, RunStatus.SUCCEEDED, r.mode(), r.startedAt(),
                        Instant.now(), files.stream().mapToLong(FileRecord::rows).sum(),
                        files.stream().mapToLong(FileRecord::bytes).sum(), files.size(), r.retries(), null,
                        r.throttled(), r.peakMemoryBytes(), List.of("published, then the process stopped before"
                                + " its bookkeeping; completed by run recovery")));
                LOG.warn("{}: run {} was published but its process stopped before recording it; completed it now",
                        name, r.runId());
            } else {
                int cleaned = sink.cleanStaging(prefix);
                // A manifest without _SUCCESS was never published; remove it so that no reader mistakes it.
                sink.delete(prefix + Manifest.FILE_NAME);
                store.recordRun(new RunRecord(r.runId(), name, RunStatus.FAILED, r.mode(), r.startedAt(),
                        Instant.now(), r.rows(), r.bytes(), r.files(), r.retries(),
                        "the process stopped during the run (killed or crashed); nothing of it was published",
                        r.throttled(), r.peakMemoryBytes(), r.warnings()));
                LOG.warn("{}: run {} was interrupted by its process stopping; marked failed{}", name, r.runId(),
                        cleaned > 0 ? ", " + cleaned + " staged files removed" : "");
            }
        }
    }

    private String readText(Sink sink, String key) {
        try (java.io.InputStream in = sink.read(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SinkException(name, sink.location(), key, "Export \"" + name + "\": reading " + key
                    + " back for crash recovery failed: " + e.getMessage(), e, true);
        }
    }

    // ---------------------------------------------------------------- single-snapshot modes

    private ExportResult runSingle(Setup s) {
        String runId = newRunId();
        String prefix = name + "/" + runId + "/";
        startRunRecord(runId, s.started);
        listener.exportStarted(name, runId);
        RunProgress progress = newProgress();
        AtomicLongArray nulls = null;
        ExportPlan plan = null;
        ExecutorService writers = newPool("writer", 1);
        IdlePool<FormatWriter> writerPool = RunContext.newWriterPool(1);
        IdlePool<BatchHandoff> batchPool = RunContext.newBatchPool(1);
        try {
            for (int attempt = 1; ; attempt++) {
                checkCancelled();
                try (Connection c = connect(s.source)) {
                    List<StagedFile> staged;
                    ChunkOutput out;
                    s.source.dialect().beginSnapshot(c, session());
                    try {
                        List<Column> columns = describe(c, s);
                        plan = s.planner.plan(c, columns, store.cursor(name).orElse(null));
                        checkDrift(plan.columns());
                        progress.planned(1, plan.estimatedRows());
                        RunContext ctx = context(s, prefix, plan.columns(), writers, writerPool, batchPool, progress);
                        out = new ChunkWorker(ctx).run(c, plan.tasks().get(0), false);
                        staged = out.files();
                    } finally {
                        endQuietly(s, c);
                    }
                    publishChunk(s.sink, runId, prefix, 0, staged, attempt > 1);
                    nulls = new AtomicLongArray(out.nullCounts());
                    mergeUnique(out);
                    break;
                } catch (SQLException e) {
                    RivetException r = SourceErrors.translate(name, "reading", s.planner.target(), e,
                            s.source.dialect());
                    if (!retry(r, attempt, null)) {
                        throw r;
                    }
                } catch (RivetException e) {
                    if (!retry(e, attempt, null)) {
                        throw e;
                    }
                }
            }
            return finish(s, runId, prefix, plan, nulls, false, 1);
        } catch (RivetException e) {
            failRun(runId, s.started, e);
            throw e;
        } finally {
            writers.shutdownNow();
            writerPool.close();
            batchPool.close();
        }
    }

    // ---------------------------------------------------------------- chunked mode

    private ExportResult runChunked(Setup s) {
        Optional<ChunkRun> unfinished = store.unfinishedChunkRun(name);
        boolean resuming = resumeRequested && unfinished.isPresent();
        if (!resumeRequested && unfinished.isPresent()) {
            abandon(unfinished.get());
        }
        String runId = resuming ? unfinished.get().runId() : newRunId();
        String prefix = name + "/" + runId + "/";
        startRunRecord(runId, s.started);
        listener.exportStarted(name, runId);
        RunProgress progress = newProgress();
        ExecutorService writers = newPool("writer", parallelism);
        IdlePool<FormatWriter> writerPool = RunContext.newWriterPool(parallelism);
        IdlePool<BatchHandoff> batchPool = RunContext.newBatchPool(parallelism);
        try {
            ExportPlan plan = planChunks(s);
            checkDrift(plan.columns());
            List<ChunkTask> tasks;
            if (resuming) {
                ChunkRun previous = unfinished.get();
                if (!previous.planFingerprint().equals(plan.fingerprint())) {
                    throw new RivetConfigException(name, "Export \"" + name + "\": its query, chunk column or chunk"
                            + " size changed since run " + runId + " failed, so that run cannot be resumed. Run"
                            + " without --resume to start a new run.", null);
                }
                int cleaned = s.sink.cleanStaging(prefix);
                if (cleaned > 0) {
                    LOG.info("{}: removed {} unfinished staged files of run {}", name, cleaned, runId);
                }
                String keyColumn = plan.modeDetails().get("chunk_column");
                tasks = new ArrayList<>();
                for (ChunkCheckpoint cp : previous.chunks()) {
                    if (cp.status() != ChunkStatus.DONE) {
                        tasks.add(s.planner.chunkTask(keyColumn, cp.index(), previous.chunks().size(),
                                cp.lowerBound(), cp.upperBound()));
                    }
                }
                LOG.info("{}: resuming run {} with {} of {} chunks left", name, runId, tasks.size(),
                        previous.chunks().size());
            } else {
                tasks = plan.tasks();
                List<ChunkCheckpoint> checkpoints = new ArrayList<>();
                for (ChunkTask t : tasks) {
                    checkpoints.add(new ChunkCheckpoint(t.index(), t.lowerBound(), t.upperBound(),
                            ChunkStatus.PENDING, 0, 0, 0, null));
                }
                store.startChunkRun(new ChunkRun(name, runId, plan.fingerprint(), checkpoints));
            }
            int total = resuming ? unfinished.get().chunks().size() : tasks.size();
            progress.planned(total, plan.estimatedRows());
            AtomicLongArray nulls = new AtomicLongArray(plan.columns().size());
            RunContext ctx = context(s, prefix, plan.columns(), writers, writerPool, batchPool, progress);
            if (dispatcher != null) {
                runRemote(s, ctx, runId, plan, tasks, nulls);
            } else {
                runTasks(s, ctx, runId, tasks, nulls, resuming);
            }
            ExportResult result = finish(s, runId, prefix, plan, nulls, resuming, total);
            store.closeChunkRun(name, runId, true);
            return result;
        } catch (RivetException e) {
            failRun(runId, s.started, e);
            throw e;
        } finally {
            writers.shutdownNow();
            writerPool.close();
            batchPool.close();
        }
    }

    private ExportPlan planChunks(Setup s) {
        for (int attempt = 1; ; attempt++) {
            checkCancelled();
            try (Connection c = connect(s.source)) {
                s.source.dialect().beginSnapshot(c, session());
                try {
                    return s.planner.plan(c, describe(c, s), null);
                } finally {
                    endQuietly(s, c);
                }
            } catch (SQLException e) {
                RivetException r = SourceErrors.translate(name, "planning", s.planner.target(), e,
                        s.source.dialect());
                if (!retry(r, attempt, null)) {
                    throw r;
                }
            } catch (RivetException e) {
                if (!retry(e, attempt, null)) {
                    throw e;
                }
            }
        }
    }

    private void runTasks(Setup s, RunContext ctx, String runId, List<ChunkTask> tasks, AtomicLongArray nulls,
            boolean resuming) {
        if (tasks.isEmpty()) {
            return;
        }
        ExecutorService pool = newPool("worker", Math.min(parallelism, tasks.size()));
        workers = pool;
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (ChunkTask task : tasks) {
                futures.add(pool.submit(() -> runChunk(s, ctx, runId, task, nulls, resuming)));
            }
            RivetException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RivetException r = asRivet(e.getCause());
                    if (first == null) {
                        first = r;
                        // Stop the other chunks: the run has failed and will be resumed from its checkpoints.
                        futures.forEach(other -> other.cancel(true));
                    } else if (!(r instanceof ExportCancelledException)) {
                        first.addSuppressed(r);
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    // cancelled after the first failure
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(other -> other.cancel(true));
                    throw new ExportCancelledException(name, "Export \"" + name + "\" was interrupted.", e);
                }
            }
            if (first != null) {
                throw first;
            }
            checkCancelled();
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers = null;
        }
    }

    /**
     * Runs {@code tasks} through the dispatcher: executors publish each chunk's files, and each result that comes back
     * is recorded here (ledger, checkpoint) exactly as a local chunk's would be. Staged leftovers of killed attempts
     * are removed before the commit.
     */
    private void runRemote(Setup s, RunContext ctx, String runId, ExportPlan plan, List<ChunkTask> tasks,
            AtomicLongArray nulls) {
        if (tasks.isEmpty()) {
            return;
        }
        ChunkJob job = ChunkJob.of(export, s.planner.target(), runId, ctx.prefix(), plan.columns(), ctx.format(),
                ctx.chunkMemoryLimit());
        // The driver only planned: its idle planning connection must not count against the cluster's limit.
        s.source.closeIdle();
        java.util.Map<Integer, ChunkTask> byIndex = new java.util.HashMap<>();
        tasks.forEach(t -> byIndex.put(t.index(), t));
        dispatcher.dispatch(job, tasks, result -> {
            ChunkTask task = byIndex.get(result.chunk());
            List<FileRecord> records = new ArrayList<>();
            for (ChunkResult.ChunkFile f : result.files()) {
                records.add(new FileRecord(runId, task.index(), f.key(), f.rows(), f.bytes(), f.sha256(),
                        Instant.now()));
            }
            recordLedger(runId, task.index(), records);
            for (int i = 0; i < result.nullCounts().length; i++) {
                nulls.addAndGet(i, result.nullCounts()[i]);
            }
            retries.addAndGet(result.attempts() - 1);
            checkpoint(runId, task, ChunkStatus.DONE, result.rows(), result.bytes(), result.attempts(), null);
            listener.chunkFinished(new ChunkInfo(name, runId, task.index(), task.count(), task.range()),
                    result.rows(), result.bytes());
            ctx.progress().rowsRead(result.rows());
            ctx.progress().bytesWritten(result.bytes());
            ctx.progress().throttled(result.throttledNanos());
            ctx.progress().chunkDone();
        });
        int cleaned = s.sink.cleanStaging(ctx.prefix());
        if (cleaned > 0) {
            LOG.info("{}: removed {} staged files that failed or killed attempts left", name, cleaned);
        }
    }

    private void runChunk(Setup s, RunContext ctx, String runId, ChunkTask task, AtomicLongArray nulls,
            boolean resuming) {
        ChunkInfo info = new ChunkInfo(name, runId, task.index(), task.count(), task.range());
        for (int attempt = 1; ; attempt++) {
            checkCancelled();
            checkpoint(runId, task, ChunkStatus.RUNNING, 0, 0, attempt, null);
            listener.chunkStarted(info);
            try {
                ChunkOutput out;
                try (Connection c = connect(s.source)) {
                    out = new ChunkWorker(ctx).run(c, task, true);
                } catch (SQLException e) {
                    throw SourceErrors.translate(name, "connecting for chunk " + (task.index() + 1),
                            s.planner.target(), e, s.source.dialect());
                }
                long bytes = publishChunk(s.sink, runId, ctx.prefix(), task.index(), out.files(),
                        attempt > 1 || resuming);
                for (int i = 0; i < out.nullCounts().length; i++) {
                    nulls.addAndGet(i, out.nullCounts()[i]);
                }
                mergeUnique(out);
                checkpoint(runId, task, ChunkStatus.DONE, out.rows(), bytes, attempt, null);
                listener.chunkFinished(info, out.rows(), bytes);
                ctx.progress().chunkDone();
                // The pause is taken here, after the chunk's transaction ended and its connection went back.
                sleepNanos(out.throttleDebtNanos());
                ctx.progress().throttled(out.throttleDebtNanos());
                return;
            } catch (RivetException e) {
                checkpoint(runId, task, ChunkStatus.FAILED, 0, 0, attempt, e.getMessage());
                listener.chunkFailed(info, e);
                if (!retry(e, attempt, info)) {
                    throw e;
                }
            }
        }
    }

    private void mergeUnique(ChunkOutput out) {
        UniqueTracker run = uniqueTracker;
        if (run != null && out.unique() != null) {
            run.merge(out.unique());
        }
    }

    private void checkpoint(String runId, ChunkTask task, ChunkStatus status, long rows, long bytes, int attempt,
            String error) {
        store.updateChunk(name, runId, new ChunkCheckpoint(task.index(), task.lowerBound(), task.upperBound(), status,
                rows, bytes, attempt, error));
    }

    private void abandon(ChunkRun run) {
        store.closeChunkRun(name, run.runId(), false);
        for (RunRecord r : store.runs(name, 50)) {
            if (r.runId().equals(run.runId())) {
                store.recordRun(new RunRecord(r.runId(), name, RunStatus.ABANDONED, r.mode(), r.startedAt(),
                        r.finishedAt(), r.rows(), r.bytes(), r.files(), r.retries(), r.error(), r.throttled(),
                        r.peakMemoryBytes(), r.warnings()));
            }
        }
        String w = "run " + run.runId() + " of export " + name + " did not finish and was abandoned; a new run"
                + " starts. Use resume (CLI: --resume) to continue a failed run instead.";
        LOG.warn("{}: {}", name, w);
        warnings.add(w);
    }

    // ---------------------------------------------------------------- publication

    /** Publishes a chunk's staged files, drops files an earlier attempt left beyond them, and records the ledger. */
    private long publishChunk(Sink sink, String runId, String prefix, int chunk, List<StagedFile> staged,
            boolean mayHaveLeftovers) {
        List<FileRecord> records = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        long bytes = 0;
        int committed = 0;
        try {
            for (StagedFile f : staged) {
                f.object().commit();
                committed++;
                keys.add(f.key());
                bytes += f.bytes();
                records.add(new FileRecord(runId, chunk, f.key(), f.rows(), f.bytes(), f.sha256(), Instant.now()));
            }
        } catch (RuntimeException e) {
            for (int i = committed; i < staged.size(); i++) {
                staged.get(i).object().abort();
            }
            throw e;
        }
        // Only an earlier attempt (of this run, or of the run being resumed) can have left files of this chunk; listing
        // the run's prefix for every chunk would cost time in proportion to the files already written.
        if (mayHaveLeftovers) {
            for (String key : sink.list(ChunkFileWriter.chunkPrefix(prefix, chunk))) {
                if (!keys.contains(key)) {
                    sink.delete(key);
                }
            }
        }
        recordLedger(runId, chunk, records);
        return bytes;
    }

    /** Records a chunk's published files in the ledger and tells the listeners. */
    private void recordLedger(String runId, int chunk, List<FileRecord> records) {
        store.recordFiles(name, runId, chunk, records);
        for (FileRecord r : records) {
            listener.fileCommitted(name, OutputFile.of(r.key(), chunk, r.rows(), r.bytes(), r.sha256()));
        }
    }

    private ExportResult finish(Setup s, String runId, String prefix, ExportPlan plan, AtomicLongArray nulls,
            boolean resumed, int chunks) {
        List<FileRecord> files = store.files(name, runId);
        long rows = files.stream().mapToLong(FileRecord::rows).sum();
        if (rows == 0 && export.skipEmpty()) {
            checkQuality(0, plan.columns(), nulls);
            for (FileRecord f : files) {
                s.sink.delete(f.key());
            }
            store.recordFiles(name, runId, 0, List.of());
            return succeed(s, runId, null, List.of(), RunStatus.SKIPPED, resumed, chunks);
        }
        if (files.isEmpty()) {
            files = List.of(writeEmptyFile(s, runId, prefix, plan.columns()));
        }
        checkQuality(rows, plan.columns(), nulls);
        if (export.validate()) {
            OutputValidator validator = new OutputValidator(name, s.sink, effectiveFormat());
            files.forEach(validator::check);
        }
        String manifestKey = prefix + Manifest.FILE_NAME;
        String manifest = Manifest.render(name, runId, export.mode().name(), export.source().toString(),
                export.format().name(), export.format() instanceof ParquetFormat p
                        ? p.compression().name().toLowerCase(Locale.ROOT) : "none",
                s.started, Instant.now(), plan.columns(), files, plan.modeDetails(), s.sink.location(), prefix);
        writeSmallObject(s.sink, manifestKey, manifest);
        writeSmallObject(s.sink, prefix + Manifest.SUCCESS_FILE_NAME, "sha256:" + Hex.sha256(manifest) + "\n");
        if (plan.nextCursor() != null) {
            CursorState c = plan.nextCursor();
            store.saveCursor(name, new CursorState(c.value(), c.tieBreakerValue(), runId, Instant.now()));
        }
        acceptSchema(plan.columns(), runId);
        return succeed(s, runId, manifestKey, files, RunStatus.SUCCEEDED, resumed, chunks);
    }

    private ExportResult succeed(Setup s, String runId, String manifestKey, List<FileRecord> files, RunStatus status,
            boolean resumed, int chunks) {
        long rows = 0;
        long bytes = 0;
        List<OutputFile> out = new ArrayList<>();
        for (FileRecord f : files) {
            rows += f.rows();
            bytes += f.bytes();
            out.add(OutputFile.of(f.key(), f.chunk(), f.rows(), f.bytes(), f.sha256()));
        }
        for (String w : losses.warnings()) {
            // Per column and kind, never a value: the run history and a degraded notification carry them.
            LOG.warn("{}: {}", name, w);
            warnings.add(w);
        }
        Instant finished = Instant.now();
        store.recordRun(new RunRecord(runId, name, status, export.mode().name(), s.started, finished, rows, bytes,
                files.size(), retries.get(), null, throttled(), ProcessMemory.peakRssBytes(), warnings));
        ExportResult result = ExportResult.builder().exportName(name).runId(runId).status(status).rows(rows)
                .bytes(bytes).files(out).duration(Duration.ofNanos(System.nanoTime() - s.t0)).warnings(warnings)
                .manifestKey(manifestKey).chunks(chunks).resumed(resumed).retries(retries.get())
                .schemaChanges(schemaChanges).build();
        LOG.info("{}: {} {} rows in {} files ({} bytes) in {} ms, run {}", name, status.name().toLowerCase(Locale.ROOT),
                rows, files.size(), bytes, result.duration().toMillis(), runId);
        listener.exportFinished(result);
        return result;
    }

    /**
     * Compares the run's columns with the accepted schema before anything is read: with {@code fail} a changed schema
     * stops the run here, so nothing is written and the old baseline stays.
     */
    private void checkDrift(List<Column> columns) {
        Optional<SchemaBaseline> baseline = store.schema(name);
        if (baseline.isEmpty()) {
            return;
        }
        List<String> changes = SchemaDrift.changes(baseline.get().columns(), SchemaDrift.describe(columns));
        if (changes.isEmpty()) {
            return;
        }
        schemaChanges = changes;
        String summary = "the schema changed since run " + baseline.get().runId() + ": " + String.join("; ", changes);
        switch (export.onSchemaDrift()) {
            case FAIL -> throw new SchemaDriftException(name, "Export \"" + name + "\": " + summary
                    + ". on_schema_drift is fail, so nothing was written and the accepted schema is unchanged."
                    + " Revert the change, or set on_schema_drift to warn for one run to accept it.");
            case WARN -> {
                LOG.warn("{}: {}", name, summary);
                warnings.add(summary);
            }
            case CONTINUE -> LOG.info("{}: {}", name, summary);
        }
    }

    private void acceptSchema(List<Column> columns, String runId) {
        List<String> current = SchemaDrift.describe(columns);
        Optional<SchemaBaseline> baseline = store.schema(name);
        if (baseline.isEmpty() || !baseline.get().columns().equals(current)) {
            store.saveSchema(name, new SchemaBaseline(current, runId, Instant.now()));
        }
    }

    private FileRecord writeEmptyFile(Setup s, String runId, String prefix, List<Column> columns) {
        ChunkFileWriter writer = new ChunkFileWriter(s.sink, prefix, 0, s.formats, effectiveFormat(), columns, 0,
                s.allocator, null, null);
        List<StagedFile> staged;
        try (writer) {
            writer.writeEmptyFile();
            staged = writer.finish();
        } catch (IOException e) {
            throw new SinkException(name, s.sink.location(), prefix, "Export \"" + name + "\": writing the empty"
                    + " result file failed: " + e.getMessage(), e, false);
        }
        publishChunk(s.sink, runId, prefix, 0, staged, true);
        return store.files(name, runId).get(0);
    }

    private void writeSmallObject(Sink sink, String key, String content) {
        try (ObjectWriter w = sink.open(key)) {
            OutputStream out = w.stream();
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.flush();
            w.commit();
        } catch (IOException e) {
            throw new SinkException(name, sink.location(), key, "Export \"" + name + "\": writing " + key + " to "
                    + sink.location() + " failed: " + e.getMessage(), e, false);
        }
    }

    private void checkQuality(long rows, List<Column> columns, AtomicLongArray nulls) {
        Quality q = export.quality();
        if (q.isEmpty()) {
            return;
        }
        if (q.rowCountMin() != null && rows < q.rowCountMin()) {
            throw new CheckFailedException(name, "row_count_min", ">= " + q.rowCountMin(), Long.toString(rows),
                    "Export \"" + name + "\": quality gate row_count_min failed: " + rows + " rows written, at least "
                            + q.rowCountMin() + " required. Nothing was published.");
        }
        if (q.rowCountMax() != null && rows > q.rowCountMax()) {
            throw new CheckFailedException(name, "row_count_max", "<= " + q.rowCountMax(), Long.toString(rows),
                    "Export \"" + name + "\": quality gate row_count_max failed: " + rows + " rows written, at most "
                            + q.rowCountMax() + " allowed. Nothing was published.");
        }
        for (Map.Entry<String, Double> gate : q.nullRatioMax().entrySet()) {
            int index = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equalsIgnoreCase(gate.getKey())) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new RivetConfigException(name, "Export \"" + name + "\": quality null_ratio_max names column \""
                        + gate.getKey() + "\", which the export does not have.", null);
            }
            double ratio = rows == 0 ? 0 : (double) nulls.get(index) / rows;
            if (ratio > gate.getValue()) {
                throw new CheckFailedException(name, "null_ratio_max", gate.getKey() + " <= " + gate.getValue(),
                        String.format(Locale.ROOT, "%.4f", ratio), "Export \"" + name + "\": quality gate"
                                + " null_ratio_max failed for column " + gate.getKey() + ": "
                                + String.format(Locale.ROOT, "%.4f", ratio) + " of rows are NULL, at most "
                                + gate.getValue() + " allowed. Nothing was published.");
            }
        }
        UniqueTracker unique = uniqueTracker;
        if (unique != null) {
            List<String> violations = unique.violations();
            if (!violations.isEmpty()) {
                throw new CheckFailedException(name, "unique_columns", "no duplicates", String.join("; ", violations),
                        "Export \"" + name + "\": quality gate unique_columns failed: " + String.join("; ", violations)
                                + ". Nothing was published.");
            }
            for (String w : unique.incomplete()) {
                LOG.warn("{}: {}", name, w);
                warnings.add(w);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private RunContext context(Setup s, String prefix, List<Column> columns, ExecutorService writers,
            IdlePool<FormatWriter> writerPool, IdlePool<BatchHandoff> batchPool, RunProgress progress) {
        long runLimit = s.allocator.getLimit();
        long chunkLimit = runLimit / Math.max(1, parallelism);
        long batchTarget = batchTarget(profile, chunkLimit);
        long maxFile = export.maxFileSize() == null ? 0 : export.maxFileSize().toBytes();
        List<String> uniqueColumns = export.quality().uniqueColumns();
        UniqueTracker unique = uniqueColumns.isEmpty() ? null
                : new UniqueTracker(name, columns, uniqueColumns, UniqueTracker.DEFAULT_MAX_ENTRIES);
        uniqueTracker = unique;
        return new RunContext(name, s.planner.target(), prefix, profile, session(), s.source.dialect(), columns,
                s.sink, s.formats, effectiveFormat(), maxFile, s.allocator, chunkLimit,
                batchTarget, writers, writerPool, batchPool, progress, unique, export.reconcile(), losses);
    }

    /**
     * The memory target of one batch for a chunk allowed {@code chunkLimit} bytes of Arrow memory: the profile's
     * target, at most {@code 1/BATCH_SHARE_DIVISOR} of the chunk's share; 0 when the profile sizes batches by rows.
     * The same rule on one machine and on Spark executors.
     */
    static long batchTarget(Profile profile, long chunkLimit) {
        DataSize target = profile.batchMemory();
        return target == null ? 0 : Math.min(target.toBytes(), chunkLimit / BATCH_SHARE_DIVISOR);
    }

    /**
     * The format as written: a Parquet row group is assembled in the chunk's Arrow memory, so its size is capped at a
     * thirty-second of the chunk's share of the engine's memory limit, and at maxFileSize so that rolling stays fine-grained.
     * A heap-independent cap: the default JVM heap says nothing about what the process may use. Under the FAST profile
     * zstd without an explicit level compresses at level 1 (docs/design/006-fast-path.md).
     */
    private Format effectiveFormat() {
        if (!(export.format() instanceof ParquetFormat asConfigured)) {
            return export.format();
        }
        ParquetFormat p = asConfigured;
        if (p.compression() == Compression.ZSTD && p.compressionLevel().isEmpty()
                && profile.name().equals(Profile.FAST.name())) {
            p = p.withCompressionLevel(FAST_ZSTD_LEVEL);
        }
        long rowGroup = p.rowGroupSize().toBytes();
        long share = engineAllocator.getLimit() / Math.max(1, parallelism) / ROW_GROUP_SHARE_DIVISOR;
        rowGroup = Math.min(rowGroup, share);
        if (export.maxFileSize() != null) {
            rowGroup = Math.min(rowGroup, export.maxFileSize().toBytes());
        }
        rowGroup = Math.max(rowGroup, 1024 * 1024);
        return rowGroup == p.rowGroupSize().toBytes() ? p : p.withRowGroupSize(DataSize.ofBytes(rowGroup));
    }

    private SessionSettings session() {
        return new SessionSettings(profile.statementTimeout(), profile.lockTimeout());
    }

    private List<Column> describe(Connection c, Setup s) throws SQLException {
        List<Column> columns = s.source.dialect().describe(c, s.planner.baseSql(), name);
        s.formats.check(columns, name);
        return columns;
    }

    private Connection connect(SourceConnections source) throws SQLException {
        return source.open();
    }

    private void endQuietly(Setup s, Connection c) {
        try {
            s.source.dialect().endSnapshot(c);
        } catch (SQLException e) {
            LOG.debug("{}: ending the snapshot failed: {}", name, e.toString());
        }
    }

    /** Decides whether to retry after {@code e} on attempt {@code attempt}, sleeping the backoff if so. */
    private boolean retry(RivetException e, int attempt, ChunkInfo chunk) {
        if (!e.retryable() || e instanceof ExportCancelledException || cancelled || attempt > profile.maxRetries()) {
            return false;
        }
        Duration delay = Backoff.delay(profile.retryBackoff(), attempt);
        retries.incrementAndGet();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        warnings.add((chunk == null ? "the read" : "chunk " + (chunk.index() + 1) + " of " + chunk.count())
                + " failed on attempt " + attempt + " and was retried: "
                + (message.length() > 300 ? message.substring(0, 300) + "..." : message));
        LOG.warn("{}: {} failed (attempt {} of {}), retrying in {} ms: {}", name,
                chunk == null ? "the read" : "chunk " + (chunk.index() + 1), attempt, profile.maxRetries() + 1,
                delay.toMillis(), e.getMessage());
        sleepNanos(delay.toNanos());
        return true;
    }

    private void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportCancelledException(name, "Export \"" + name + "\" was interrupted.", e);
        }
    }

    private void checkCancelled() {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw new ExportCancelledException(name, "Export \"" + name + "\" was cancelled.", null);
        }
    }

    private RivetException asRivet(Throwable t) {
        if (t instanceof RivetException r) {
            return r;
        }
        return new RivetException(name, "Export \"" + name + "\" failed unexpectedly: " + t, t);
    }

    private void startRunRecord(String runId, Instant started) {
        store.recordRun(new RunRecord(runId, name, RunStatus.RUNNING, export.mode().name(), started, null, 0, 0, 0,
                0, null));
    }

    private void failRun(String runId, Instant started, RivetException e) {
        try {
            List<FileRecord> files = store.files(name, runId);
            store.recordRun(new RunRecord(runId, name, RunStatus.FAILED, export.mode().name(), started, Instant.now(),
                    files.stream().mapToLong(FileRecord::rows).sum(), files.stream().mapToLong(FileRecord::bytes).sum(),
                    files.size(), retries.get(), e.getMessage(), throttled(), ProcessMemory.peakRssBytes(),
                    warnings));
        } catch (RuntimeException recordFailure) {
            e.addSuppressed(recordFailure);
        }
        LOG.warn("{}: failed (run {}): {}", name, runId, e.getMessage());
        listener.exportFailed(name, runId, e);
    }

    private RunProgress newProgress() {
        progress = new RunProgress(name, listener);
        return progress;
    }

    private Duration throttled() {
        RunProgress p = progress;
        return p == null ? Duration.ZERO : Duration.ofNanos(p.throttledNanos());
    }

    private ExecutorService newPool(String role, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "rivet-" + name + "-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return Executors.newFixedThreadPool(Math.max(1, threads), factory);
    }

    private static String newRunId() {
        return RUN_ID_TIME.format(Instant.now()) + "-" + String.format("%06x",
                ThreadLocalRandom.current().nextInt(1 << 24));
    }
}
