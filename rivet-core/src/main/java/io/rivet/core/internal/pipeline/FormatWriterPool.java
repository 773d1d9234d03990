package io.rivet.core.internal.pipeline;

import io.rivet.core.spi.FormatWriter;
import java.util.ArrayDeque;

/**
 * Finished format writers of one run, kept for the run's next files ({@link FormatWriter#restart}), so that a writer's
 * buffers are allocated once per worker instead of once per file: with one file per chunk, allocating them anew made
 * tens of megabytes of garbage per chunk, which is what made the default-sized heap grow. At most {@code capacity}
 * writers (one per worker) are kept; the run closes the rest when it ends. Thread-safe.
 */
final class FormatWriterPool implements AutoCloseable {

    private final int capacity;
    private final ArrayDeque<FormatWriter> idle = new ArrayDeque<>();
    private boolean closed;

    FormatWriterPool(int capacity) {
        this.capacity = capacity;
    }

    /** A finished writer to restart, or {@code null}. The caller owns it from now on. */
    synchronized FormatWriter take() {
        return idle.pollLast();
    }

    /** Keeps a finished writer for a later file, or closes it when the pool is full or closed. */
    void give(FormatWriter writer) {
        synchronized (this) {
            if (!closed && idle.size() < capacity) {
                idle.addLast(writer);
                return;
            }
        }
        writer.close();
    }

    /** Closes every kept writer; writers given later are closed at once. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        FormatWriter w;
        while ((w = take()) != null) {
            w.close();
        }
    }
}
