package io.rivet.core.internal.distributed;

import io.rivet.core.internal.plan.ChunkTask;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a run's chunk tasks somewhere else (Spark executors) instead of on this machine's worker threads. For
 * rivet-spark, not for applications.
 *
 * <p>The dispatcher runs every task of {@code tasks} (each through {@link io.rivet.core.internal.pipeline.RemoteChunks})
 * and hands each chunk's result to {@code onResult} on the driver, as soon as it has it; it returns when all tasks
 * succeeded and throws when one failed for good. {@code onResult} records the chunk's ledger and checkpoint; it may
 * be called from any one thread at a time, and a throw from it must fail the dispatch.
 */
public interface ChunkDispatcher {

    /** Runs {@code tasks} of {@code job}, reporting each chunk's result to {@code onResult}. */
    void dispatch(ChunkJob job, List<ChunkTask> tasks, Consumer<ChunkResult> onResult);
}
