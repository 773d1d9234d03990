package io.rivet.core.internal.pipeline;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.exception.ExportCancelledException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The bounded queue between a chunk's reader and its writer, plus the pool of reusable batches that bounds memory:
 * at most {@code poolSize} batches exist, so a slow writer blocks the reader instead of filling memory.
 *
 * <p>The batches live in an Arrow allocator of the handoff's own, a child of the run's with the chunk's memory limit;
 * the chunk's other Arrow memory (its files' row groups) goes in a child of that one ({@link #allocator()}), so the
 * chunk's limit covers both. A handoff that ended cleanly ({@link #reusable()}) serves the worker's next chunk with the
 * same batches, whose buffers then keep the capacity they grew to. How many rows a batch takes is still decided per
 * chunk (from the chunk's own first rows), so a chunk's files do not depend on which chunks its worker ran before.
 *
 * <p>Ownership: a batch taken with {@link #takeEmpty()} belongs to the reader until {@link #publish} hands it to the
 * writer; the writer owns it from {@link #takeFull()} until {@link #recycle} returns it. {@link #close()} frees every
 * batch, whoever held it last, once both sides have stopped, and then the allocator.
 */
final class BatchHandoff implements AutoCloseable {
    private static final Object END = new Object();
    private static final long POLL_MS = 100;

    private final BufferAllocator allocator;
    private final BlockingQueue<Batch> empty;
    private final BlockingQueue<Object> full;
    private final List<Batch> all = new ArrayList<>();
    private volatile Throwable failure;
    private volatile boolean cancelled;

    /** {@code poolSize} batches of {@code columns} in a new child of {@code parent} limited to {@code limit} bytes. */
    BatchHandoff(List<Column> columns, BufferAllocator parent, String name, long limit, int poolSize) {
        this.allocator = parent.newChildAllocator(name, 0, limit);
        this.empty = new ArrayBlockingQueue<>(poolSize);
        this.full = new ArrayBlockingQueue<>(poolSize + 1);
        try {
            for (int i = 0; i < poolSize; i++) {
                Batch batch = Batch.create(columns, allocator);
                all.add(batch);
                empty.add(batch);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The allocator holding the batches; the chunk's other Arrow memory goes in a child of it. */
    BufferAllocator allocator() {
        return allocator;
    }

    /**
     * Whether the handoff ended cleanly and may serve another chunk: every batch back in the pool, nothing queued, no
     * failure or cancellation, and no Arrow memory left in children of its allocator. Call after both sides stopped.
     */
    boolean reusable() {
        return failure == null && !cancelled && full.isEmpty() && empty.size() == all.size()
                && allocator.getChildAllocators().isEmpty();
    }

    /** Reader: an empty batch to fill; blocks while the writer holds all of them. */
    Batch takeEmpty() throws InterruptedException {
        while (true) {
            checkRunning();
            Batch batch = empty.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (batch != null) {
                return batch;
            }
        }
    }

    /** Reader: hands a filled batch to the writer. */
    void publish(Batch batch) throws InterruptedException {
        offer(batch);
    }

    /** Reader: no more batches. */
    void finish() throws InterruptedException {
        offer(END);
    }

    /** Writer: the next filled batch, or {@code null} at the end. */
    Batch takeFull() throws InterruptedException {
        while (true) {
            checkRunning();
            Object next = full.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (next == END) {
                return null;
            }
            if (next != null) {
                return (Batch) next;
            }
        }
    }

    /** Writer (or reader, for an unused batch): returns a batch to the pool. */
    void recycle(Batch batch) {
        empty.offer(batch);
    }

    /** Either side: stops the other side, which then throws from its next call. */
    void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    /** Stops both sides because the export was cancelled. */
    void cancel() {
        cancelled = true;
    }

    private void offer(Object item) throws InterruptedException {
        while (!full.offer(item, POLL_MS, TimeUnit.MILLISECONDS)) {
            checkRunning();
        }
    }

    private void checkRunning() {
        if (cancelled) {
            throw new ExportCancelledException(null, "the export was cancelled", null);
        }
        if (failure != null) {
            throw new PeerFailedException(failure);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new ExportCancelledException(null, "the export's thread was interrupted", null);
        }
    }

    /** Frees every batch and the allocator. Call only after both sides stopped. */
    @Override
    public void close() {
        try {
            for (Batch batch : all) {
                batch.close();
            }
            all.clear();
        } finally {
            allocator.close();
        }
    }

    /** Thrown on one side when the other side failed; the other side's failure is the one to report. */
    static final class PeerFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PeerFailedException(Throwable cause) {
            super("the other side of the batch pipeline failed", cause, false, false);
        }
    }
}
