package io.rivet.sink.s3.internal;

import java.util.ArrayDeque;

/**
 * Recycles part buffers of the sink's base part size, so a long export does not allocate a fresh multi-megabyte array
 * per part (each one a humongous allocation that makes the collector grow the heap). A buffer comes back only after it
 * was in use, so the pool never holds more than the peak number of buffers in use; the owner clears it when no object
 * is being written, so an idle sink holds none. Buffers of other sizes are left to the garbage collector.
 * Thread-safe.
 */
final class BufferPool {
    private final int size;
    private final int maxFree;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>(); // guarded by this

    BufferPool(int size, int maxFree) {
        this.size = size;
        this.maxFree = maxFree;
    }

    /** A buffer of exactly {@code length} bytes, recycled when possible. Its contents are undefined. */
    synchronized byte[] take(int length) {
        if (length == size && !free.isEmpty()) {
            return free.pop();
        }
        return new byte[length];
    }

    /** Returns a buffer that is no longer used by anyone; kept only while {@code keep} is true. */
    synchronized void give(byte[] buffer, boolean keep) {
        if (keep && buffer != null && buffer.length == size && free.size() < maxFree) {
            free.push(buffer);
        }
    }

    /** Drops every free buffer. */
    synchronized void clear() {
        free.clear();
    }

    /** Free buffers held (for tests). */
    synchronized int freeCount() {
        return free.size();
    }
}
