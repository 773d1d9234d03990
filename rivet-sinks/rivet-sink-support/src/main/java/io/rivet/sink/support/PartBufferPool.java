package io.rivet.sink.support;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;

/**
 * A small pool of reusable part buffers for a cloud sink's uploads. The buffers are direct (off-heap): a part is
 * megabytes, and as Java arrays every part was a humongous allocation that made the garbage collector grow the heap far
 * beyond what the export needs. Off-heap, the memory is exactly the buffers in use plus the few kept free, and it is
 * allocated once per buffer rather than once per part.
 *
 * <p>The pool does not bound the buffers in use; its users do (a writer fills one buffer and has at most a few parts in
 * flight). It keeps at most {@code maxFree} returned buffers for reuse and drops the rest; {@link #close()} drops all.
 * A buffer must be given back exactly once, and only when nobody reads it any more: for an upload, after the request
 * (with all its retries) has completed or definitively failed. Giving back a buffer twice, or one the pool never handed
 * out, throws, since two writers sharing a buffer would corrupt both objects.
 *
 * <p>Thread-safe.
 */
public final class PartBufferPool implements AutoCloseable {
    private final int maxFree;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(); // guarded by this
    private final Set<ByteBuffer> taken = Collections.newSetFromMap(new IdentityHashMap<>()); // guarded by this
    private long allocations; // guarded by this
    private boolean closed; // guarded by this

    /**
     * Creates an empty pool.
     *
     * @param maxFree the most returned buffers kept for reuse (0 keeps none)
     * @throws IllegalArgumentException when {@code maxFree} is negative
     */
    public PartBufferPool(int maxFree) {
        if (maxFree < 0) {
            throw new IllegalArgumentException("maxFree must be at least 0 but was " + maxFree);
        }
        this.maxFree = maxFree;
    }

    /**
     * A direct buffer of exactly {@code capacity} bytes, position 0 and limit {@code capacity}: a free one when there
     * is one of that size, else a new one. Its contents are undefined. Give it back with {@link #give(ByteBuffer)}.
     *
     * @throws IllegalArgumentException when {@code capacity} is not positive
     * @throws OutOfMemoryError when the JVM's direct memory limit ({@code -XX:MaxDirectMemorySize}) is reached
     */
    public ByteBuffer take(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive but was " + capacity);
        }
        synchronized (this) {
            for (Iterator<ByteBuffer> it = free.iterator(); it.hasNext(); ) {
                ByteBuffer b = it.next();
                if (b.capacity() == capacity) {
                    it.remove();
                    taken.add(b);
                    return b.clear();
                }
            }
        }
        ByteBuffer fresh = ByteBuffer.allocateDirect(capacity);
        synchronized (this) {
            allocations++;
            taken.add(fresh);
        }
        return fresh;
    }

    /**
     * Gives back a buffer from {@link #take(int)} once nobody uses it any more. It is kept for reuse unless the pool is
     * closed or already holds {@code maxFree} free buffers. {@code null} is ignored.
     *
     * @throws IllegalArgumentException when the buffer was not taken from this pool, or was already given back
     */
    public synchronized void give(ByteBuffer buffer) {
        if (buffer == null) {
            return;
        }
        if (!taken.remove(buffer)) {
            throw new IllegalArgumentException("this part buffer was not taken from the pool or was already given"
                    + " back (a Rivet bug, please report it)");
        }
        if (!closed && free.size() < maxFree) {
            free.push(buffer);
        }
    }

    /** Buffers handed out and not given back yet. */
    public synchronized int inUse() {
        return taken.size();
    }

    /** Free buffers kept for reuse. */
    public synchronized int freeCount() {
        return free.size();
    }

    /** Buffers this pool has allocated so far (every take that found no free buffer of its size). */
    public synchronized long allocations() {
        return allocations;
    }

    /**
     * Drops the free buffers and keeps none given back later; the memory returns to the JVM when they are collected.
     * Buffers still in use stay valid. May be called more than once.
     */
    @Override
    public synchronized void close() {
        closed = true;
        free.clear();
    }

    @Override
    public synchronized String toString() {
        return "PartBufferPool[inUse=" + taken.size() + ", free=" + free.size() + ", allocations=" + allocations + "]";
    }
}
