package io.rivet.core.internal.pipeline;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Per-worker resources of one run kept between chunks, so that what a worker needs is allocated once per worker instead
 * of once per chunk or file: finished format writers ({@link io.rivet.core.spi.FormatWriter#restart}; allocating them
 * anew made tens of megabytes of garbage per chunk) and a chunk's Arrow batches ({@link BatchHandoff}; allocating them
 * anew faulted in fresh pages for every chunk). At most {@code capacity} items (one per worker) are kept; the run
 * closes the rest when it ends. Thread-safe.
 *
 * @param <T> what is kept
 */
final class IdlePool<T> implements AutoCloseable {

    private final int capacity;
    private final Predicate<T> reusable;
    private final Consumer<T> closer;
    private final ArrayDeque<T> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param reusable whether a given item may be kept (asked once per {@link #give}, outside the pool's lock)
     * @param closer frees an item that is not kept
     */
    IdlePool(int capacity, Predicate<T> reusable, Consumer<T> closer) {
        this.capacity = capacity;
        this.reusable = reusable;
        this.closer = closer;
    }

    /** An idle item, or {@code null}. The caller owns it from now on. */
    synchronized T take() {
        return idle.pollLast();
    }

    /** Keeps an item for later, or closes it when it is not reusable or the pool is full or closed. */
    void give(T item) {
        if (reusable.test(item)) {
            synchronized (this) {
                if (!closed && idle.size() < capacity) {
                    idle.addLast(item);
                    return;
                }
            }
        }
        closer.accept(item);
    }

    /** Closes every kept item; items given later are closed at once. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        T item;
        while ((item = take()) != null) {
            closer.accept(item);
        }
    }
}
