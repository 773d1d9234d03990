package io.rivet;

import io.rivet.exception.RivetException;

/**
 * Receives progress and lifecycle events of export runs. Every method has an empty default, so new events can be added
 * without breaking implementations.
 *
 * <p>Events nest: {@code exportStarted} → ({@code chunkStarted} → {@code fileCommitted}* → {@code chunkFinished} or
 * {@code chunkFailed})* → {@code exportFinished} or {@code exportFailed}. Chunk events arrive from worker threads,
 * concurrently. Listeners must be fast, thread-safe, must not throw (a throwing listener is logged and ignored) and
 * must not call back into the engine.
 */
public interface ExportListener {

    /** A run started. */
    default void exportStarted(String exportName, String runId) {
    }

    /** A run finished and was published (or skipped). */
    default void exportFinished(ExportResult result) {
    }

    /** A run failed; nothing of it was published. */
    default void exportFailed(String exportName, String runId, RivetException error) {
    }

    /** A chunk started reading. */
    default void chunkStarted(ChunkInfo chunk) {
    }

    /** A chunk's files were published. */
    default void chunkFinished(ChunkInfo chunk, long rows, long bytes) {
    }

    /** A chunk failed (it may be retried). */
    default void chunkFailed(ChunkInfo chunk, RivetException error) {
    }

    /** A data file was published. */
    default void fileCommitted(String exportName, OutputFile file) {
    }

    /** Rows were written; called at most a few times per second per run. */
    default void progress(Progress progress) {
    }
}
