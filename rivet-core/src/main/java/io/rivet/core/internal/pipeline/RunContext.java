package io.rivet.core.internal.pipeline;

import io.rivet.Format;
import io.rivet.Profile;
import io.rivet.Sink;
import io.rivet.core.internal.verify.UniqueTracker;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.FormatWriter;
import io.rivet.core.spi.SessionSettings;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The fixed facts of one export run that every chunk worker shares. Immutable apart from the thread-safe progress
 * counter.
 */
record RunContext(String exportName, String target, String prefix, Profile profile, SessionSettings session,
        Dialect dialect, List<Column> columns, Sink sink, FormatProvider formats, Format format,
        long maxFileSize, BufferAllocator allocator, long chunkMemoryLimit, long batchTargetBytes,
        ExecutorService writers, IdlePool<FormatWriter> writerPool, IdlePool<BatchHandoff> batchPool,
        RunProgress progress, UniqueTracker unique, boolean reconcile, LossTracker losses) {

    /** The pool of a run's idle format writers, one kept per worker. */
    static IdlePool<FormatWriter> newWriterPool(int workers) {
        return new IdlePool<>(workers, w -> true, FormatWriter::close);
    }

    /** The pool of a run's idle batch handoffs, one kept per worker. */
    static IdlePool<BatchHandoff> newBatchPool(int workers) {
        return new IdlePool<>(workers, BatchHandoff::reusable, BatchHandoff::close);
    }

    ChunkFileWriter newFileWriter(int chunk, BufferAllocator chunkAllocator) {
        return new ChunkFileWriter(sink, prefix, chunk, formats, format, columns, maxFileSize, chunkAllocator,
                writerPool, unique == null ? null : unique.newChunk());
    }
}
