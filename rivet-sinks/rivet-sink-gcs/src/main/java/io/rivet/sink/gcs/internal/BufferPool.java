package io.rivet.sink.gcs.internal;

import java.util.ArrayDeque;

/**
 * Recycles chunk buffers of the sink's chunk size, so a long export does not allocate a fresh multi-megabyte array per
 * chunk. A buffer comes back only after it was in use, so the pool never holds more than the peak in use; the owner
 * clears it when no object is being written. Other sizes are left to the garbage collector. Thread-safe.
 */
final class BufferPool {
    private final int size;
    private final int maxFree;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>(); // guarded by this

    BufferPool(int size, int maxFree) {
        this.size = size;
        this.maxFree = maxFree;
    }

    synchronized byte[] take(int length) {
        if (length == size && !free.isEmpty()) {
            return free.pop();
        }
        return new byte[length];
    }

    synchronized void give(byte[] buffer, boolean keep) {
        if (keep && buffer != null && buffer.length == size && free.size() < maxFree) {
            free.push(buffer);
        }
    }

    synchronized void clear() {
        free.clear();
    }
}
