package io.rivet.core.internal.pipeline;

import io.rivet.Profile;
import io.rivet.Sink;
import io.rivet.core.internal.distributed.ChunkJob;
import io.rivet.core.internal.distributed.ChunkResult;
import io.rivet.core.internal.engine.ArrowMemory;
import io.rivet.core.internal.engine.ProviderRegistry;
import io.rivet.core.internal.plan.ChunkTask;
import io.rivet.core.internal.source.SourceConnections;
import io.rivet.core.internal.source.SourceErrors;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatWriter;
import io.rivet.core.spi.SessionSettings;
import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.RivetException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of a distributed run: runs chunk tasks of a {@link ChunkJob} one after another on one source
 * connection, publishes each chunk's files under their deterministic names (so a retried or speculative attempt
 * overwrites instead of duplicating) and returns each chunk's {@link ChunkResult}. It writes no state: the driver
 * records the ledger and commits. For rivet-spark, not for applications.
 *
 * <p>One instance per group of tasks (a Spark partition); it owns its connection pool (one connection: the
 * group's tasks run sequentially, which is what bounds the connections of a cluster), its Arrow allocator and its
 * sink, and closes them in {@link #close()}. Not thread-safe.
 */
public final class RemoteChunks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteChunks.class);

    /** A test seam called after a chunk's files are staged and before they are published. */
    @FunctionalInterface
    public interface Hook extends java.io.Serializable {
        /** Called with the task whose files are staged; a throw fails the chunk's attempt. */
        void beforePublish(ChunkTask task) throws Exception;
    }

    private final ChunkJob job;
    private final Hook hook;
    private final SourceConnections source;
    private final Sink sink;
    private final BufferAllocator allocator;
    private final ExecutorService writer;
    private final IdlePool<FormatWriter> writerPool = RunContext.newWriterPool(1);
    private final IdlePool<BatchHandoff> batchPool = RunContext.newBatchPool(1);
    private final RunContext context;
    private final Profile profile;

    /** Opens the connection pool (one connection), the sink and an Arrow allocator for {@code job}. */
    public RemoteChunks(ChunkJob job, Hook hook) {
        this.job = job;
        this.hook = hook;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ProviderRegistry providers = ProviderRegistry.discover(loader != null ? loader
                : RemoteChunks.class.getClassLoader());
        this.profile = job.profile().toProfile();
        this.sink = providers.sink(job.sinkUri().getScheme()).create(job.sinkUri(), job.sinkOptions());
        this.source = SourceConnections.open(job.source(), providers, 1, job.exportName());
        this.allocator = ArrowMemory.rootAllocator(job.chunkMemoryLimit());
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rivet-" + job.exportName() + "-remote-writer");
            t.setDaemon(true);
            return t;
        });
        long batchTarget = ExportRun.batchTarget(profile, job.chunkMemoryLimit());
        List<Column> columns = job.columns();
        this.context = new RunContext(job.exportName(), job.target(), job.prefix(), profile,
                new SessionSettings(profile.statementTimeout(), profile.lockTimeout()), source.dialect(), columns,
                sink, providers.format(job.format().name()), job.format().toFormat(),
                job.maxFileSize(), allocator, job.chunkMemoryLimit(), batchTarget, writer, writerPool, batchPool,
                new RunProgress(job.exportName(), new io.rivet.ExportListener() { }), null, job.reconcile(),
                new LossTracker(job.exportName(), false));
    }

    /** Runs {@code tasks} in order, returning one result per task; throws on the first chunk that fails for good. */
    public List<ChunkResult> runAll(Iterator<ChunkTask> tasks) {
        List<ChunkResult> results = new ArrayList<>();
        while (tasks.hasNext()) {
            results.add(run(tasks.next()));
        }
        return results;
    }

    /**
     * Runs one task, retrying retryable failures up to the profile's max_retries with its backoff, publishes its
     * files, then pays the throttle pause (after its transaction ended, before the next chunk's).
     */
    public ChunkResult run(ChunkTask task) {
        for (int attempt = 1; ; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ExportCancelledException(job.exportName(), "Export \"" + job.exportName()
                        + "\": chunk " + (task.index() + 1) + " was cancelled.", null);
            }
            try {
                ChunkOutput out;
                try (Connection c = source.open()) {
                    out = new ChunkWorker(context).run(c, task, true);
                } catch (SQLException e) {
                    throw SourceErrors.translate(job.exportName(), "connecting for chunk " + (task.index() + 1),
                            job.target(), e, source.dialect());
                }
                if (hook != null) {
                    try {
                        hook.beforePublish(task);
                    } catch (Exception e) {
                        out.files().forEach(f -> f.object().abort());
                        throw new IllegalStateException("test hook failed chunk " + task.index(), e);
                    }
                }
                List<ChunkResult.ChunkFile> files = publish(task.index(), out.files());
                long paused = out.throttleDebtNanos();
                sleep(paused);
                return new ChunkResult(task.index(), files, out.rows(), out.nullCounts(), paused, attempt);
            } catch (RivetException e) {
                if (!e.retryable() || e instanceof ExportCancelledException || attempt > profile.maxRetries()) {
                    throw e;
                }
                Duration delay = Backoff.delay(profile.retryBackoff(), attempt);
                LOG.warn("{}: chunk {} failed (attempt {} of {}), retrying in {} ms: {}", job.exportName(),
                        task.index() + 1, attempt, profile.maxRetries() + 1, delay.toMillis(), e.getMessage());
                sleep(delay.toNanos());
            }
        }
    }

    /** Publishes staged files, then drops files an earlier attempt of the chunk left beyond them. */
    private List<ChunkResult.ChunkFile> publish(int chunk, List<StagedFile> staged) {
        List<ChunkResult.ChunkFile> files = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        int committed = 0;
        try {
            for (StagedFile f : staged) {
                f.object().commit();
                committed++;
                keys.add(f.key());
                files.add(new ChunkResult.ChunkFile(f.key(), f.rows(), f.bytes(), f.sha256()));
            }
        } catch (RuntimeException e) {
            for (int i = committed; i < staged.size(); i++) {
                staged.get(i).object().abort();
            }
            throw e;
        }
        for (String key : sink.list(ChunkFileWriter.chunkPrefix(job.prefix(), chunk))) {
            if (!keys.contains(key)) {
                sink.delete(key);
            }
        }
        return files;
    }

    private void sleep(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportCancelledException(job.exportName(), "Export \"" + job.exportName()
                    + "\" was interrupted.", e);
        }
    }

    /** Closes the writer thread, the Arrow allocator, the connection pool and the sink. */
    @Override
    public void close() {
        writer.shutdownNow();
        writerPool.close();
        batchPool.close();
        try {
            allocator.close();
        } finally {
            source.close();
            if (sink instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing sink {} failed: {}", sink.location(), e.toString());
                }
            }
        }
    }
}
