package io.rivet.core.internal.pipeline;

import io.rivet.core.internal.plan.ChunkTask;
import io.rivet.core.internal.source.SourceErrors;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.BatchReader;
import io.rivet.exception.CheckFailedException;
import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.ResourceLimitException;
import io.rivet.exception.RivetException;
import io.rivet.exception.SinkException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;

/**
 * Reads one chunk: the calling thread streams rows from the source into Arrow batches while a writer thread encodes
 * them into files; a bounded pool of batches between the two keeps memory flat. Batches are sized from their measured
 * bytes per row. On success the chunk's files are staged, not yet published; on failure nothing is left staged.
 */
final class ChunkWorker {
    /** Batches per chunk: one being filled, one being written, one waiting. */
    private static final int POOL_SIZE = 3;
    /** Rows of the first batch, which measures bytes per row when batches are sized by memory. */
    private static final int PROBE_ROWS = 500;
    private static final int MIN_ROWS = 100;

    private final RunContext run;

    ChunkWorker(RunContext run) {
        this.run = run;
    }

    /**
     * Runs {@code task} on {@code connection}. With {@code ownSnapshot} the worker opens and ends its own read-only
     * transaction and leaves throttling to the caller (to take between transactions); without it the connection is
     * already inside the export's snapshot, and throttle pauses are taken as rows arrive.
     */
    ChunkOutput run(Connection connection, ChunkTask task, boolean ownSnapshot) {
        String what = task.count() == 1 ? "reading" : "reading chunk " + (task.index() + 1) + " of " + task.count()
                + " (" + task.range() + ")";
        Throttle throttle = new Throttle(run.profile().throttle(), run.profile().batchRows());
        String allocatorName = run.exportName() + "/chunk-" + task.index();
        BatchHandoff handoff = run.batchPool().take();
        if (handoff == null) {
            handoff = new BatchHandoff(run.columns(), run.allocator(), run.exportName() + "/batches",
                    run.chunkMemoryLimit(), POOL_SIZE);
        }
        ChunkOutput out = null;
        try (BufferAllocator allocator = handoff.allocator().newChildAllocator(allocatorName, 0,
                run.chunkMemoryLimit());
                ChunkFileWriter files = run.newFileWriter(task.index(), allocator)) {
            out = run(connection, task, ownSnapshot, what, throttle, handoff, files);
            return out;
        } finally {
            // Kept for the worker's next chunk only when this one succeeded: after a failure or an interrupt the
            // writer thread may still be on its way out and may still touch the handoff.
            if (out != null) {
                run.batchPool().give(handoff);
            } else {
                handoff.close();
            }
        }
    }

    private ChunkOutput run(Connection connection, ChunkTask task, boolean ownSnapshot, String what, Throttle throttle,
            BatchHandoff handoff, ChunkFileWriter files) {
        Future<List<StagedFile>> writer = run.writers().submit(() -> writeAll(handoff, files));
        Throwable failure = null;
        long sourceCount = -1;
        java.util.Map<io.rivet.core.spi.BatchReader.Loss, Long> losses = java.util.Map.of();
        try {
            if (ownSnapshot) {
                run.dialect().beginSnapshot(connection, run.session());
            }
            losses = readAll(connection, task, handoff, throttle, !ownSnapshot);
            if (run.reconcile()) {
                sourceCount = count(connection, task.sql());
            }
        } catch (Throwable t) {
            failure = t;
        }
        if (ownSnapshot) {
            // Ending the snapshot on a broken connection fails too; the first failure is the one to report.
            try {
                run.dialect().endSnapshot(connection);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure != null) {
            handoff.fail(failure);
        }
        List<StagedFile> staged = null;
        try {
            staged = writer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (failure == null) {
                failure = cause;
            } else if (cause != failure && !(cause instanceof BatchHandoff.PeerFailedException)) {
                failure.addSuppressed(cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.cancel(true);
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            if (staged != null) {
                staged.forEach(f -> f.object().abort());
            }
            throw translate(failure, what, files);
        }
        if (sourceCount >= 0 && sourceCount != files.rows()) {
            staged.forEach(f -> f.object().abort());
            throw new CheckFailedException(run.exportName(), "reconcile", sourceCount + " rows",
                    files.rows() + " rows", "Export \"" + run.exportName() + "\": reconcile failed for " + what
                            + ": the source counts " + sourceCount + " rows in the same snapshot but " + files.rows()
                            + " were written. Nothing of this chunk was published; please report this.");
        }
        run.losses().add(losses);
        return new ChunkOutput(staged, files.rows(), files.nullCounts(), throttle.debtNanos(), files.unique());
    }

    /** Reads the task into the handoff; returns the reader's lossy values (see {@link LossTracker}). */
    private java.util.Map<io.rivet.core.spi.BatchReader.Loss, Long> readAll(Connection connection, ChunkTask task,
            BatchHandoff handoff, Throttle throttle, boolean throttleInline) throws SQLException, InterruptedException {
        java.util.Map<io.rivet.core.spi.BatchReader.Loss, Long> losses;
        long target = run.batchTargetBytes();
        int maxRows = run.profile().batchRows();
        int rows = target > 0 ? Math.min(PROBE_ROWS, maxRows) : maxRows;
        long widestRow = 1;
        try (BatchReader reader = openReader(connection, task)) {
            while (true) {
                Batch batch = handoff.takeEmpty();
                int n;
                try {
                    n = reader.read(batch, rows);
                    if (run.losses().strict()) {
                        run.losses().check(reader.lossyValues());
                    }
                } catch (RuntimeException | SQLException e) {
                    handoff.recycle(batch);
                    throw e;
                }
                if (n == 0) {
                    handoff.recycle(batch);
                    break;
                }
                if (target > 0) {
                    widestRow = Math.max(widestRow, bytesOf(batch) / n);
                    rows = (int) Math.max(MIN_ROWS, Math.min(maxRows, target / widestRow));
                }
                handoff.publish(batch);
                run.progress().rowsRead(n);
                throttle.rowsRead(n);
                if (throttleInline) {
                    run.progress().throttled(throttle.pay());
                }
            }
            losses = reader.lossyValues();
        }
        handoff.finish();
        return losses;
    }

    private long count(Connection connection, String sql) throws SQLException {
        try (java.sql.Statement s = connection.createStatement();
                java.sql.ResultSet rs = s.executeQuery(run.dialect().countSql(sql))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private BatchReader openReader(Connection connection, ChunkTask task) throws SQLException {
        if (run.profile().bulkReadEnabled()) {
            BatchReader bulk = run.dialect().openBulkReader(connection, task.sql(), run.columns());
            if (bulk != null) {
                return bulk;
            }
        }
        return run.dialect().openReader(connection, task.sql(), task.paging(), run.columns());
    }

    private List<StagedFile> writeAll(BatchHandoff handoff, ChunkFileWriter files) throws IOException,
            InterruptedException {
        try {
            Batch batch;
            while ((batch = handoff.takeFull()) != null) {
                try {
                    files.write(batch);
                } finally {
                    handoff.recycle(batch);
                }
            }
            List<StagedFile> staged = files.finish();
            long bytes = 0;
            for (StagedFile f : staged) {
                bytes += f.bytes();
            }
            run.progress().bytesWritten(bytes);
            return staged;
        } catch (Throwable t) {
            handoff.fail(t);
            throw t;
        }
    }

    private static long bytesOf(Batch batch) {
        long total = 0;
        for (FieldVector v : batch.getFieldVectors()) {
            total += v.getBufferSize();
        }
        return total;
    }

    private static SinkException sinkCause(Throwable t) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof SinkException s) {
                return s;
            }
        }
        return null;
    }

    private RivetException translate(Throwable t, String what, ChunkFileWriter files) {
        if (t instanceof BatchHandoff.PeerFailedException p) {
            t = p.getCause();
        }
        if (t instanceof RivetException r) {
            return r;
        }
        if (t instanceof SQLException e) {
            return SourceErrors.translate(run.exportName(), what, run.target(), e, run.dialect());
        }
        if (t instanceof OutOfMemoryException e) {
            return new ResourceLimitException(run.exportName(), "Export \"" + run.exportName() + "\": " + what
                    + " needed more than its memory share of " + run.chunkMemoryLimit() / (1024 * 1024)
                    + " MB of Arrow memory (" + e.getMessage() + "). Lower batch_size, lower parallel, or raise the"
                    + " engine's memoryLimit.", run.chunkMemoryLimit(), 0, e);
        }
        if (t instanceof IOException e && sinkCause(e) != null) {
            // A sink that failed inside a stream write (e.g. a part upload whose retries were used up) says what
            // happened and whether it is transient; keep both.
            SinkException cause = sinkCause(e);
            return new SinkException(run.exportName(), cause.location(), cause.objectKey(), "Export \""
                    + run.exportName() + "\": " + what + " failed: " + cause.getMessage(), e, cause.retryable());
        }
        if (t instanceof IOException e) {
            return new SinkException(run.exportName(), run.sink().location(), null, "Export \"" + run.exportName()
                    + "\": writing a file of " + what + " to " + run.sink().location() + " failed: " + e.getMessage()
                    + ". Check free space and permissions at the destination.", e, false);
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new ExportCancelledException(run.exportName(), "Export \"" + run.exportName()
                    + "\" was cancelled while " + what + ".", t);
        }
        return new RivetException(run.exportName(), "Export \"" + run.exportName() + "\": " + what
                + " failed unexpectedly: " + t, t);
    }
}
