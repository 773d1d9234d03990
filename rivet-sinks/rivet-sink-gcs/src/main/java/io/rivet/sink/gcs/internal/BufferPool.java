package io.rivet.sink.gcs.internal;

import java.util.ArrayDeque;

/**
 * Recycles chunk buffers of the sink's chunk size, so a long export does not allocate a fresh multi-megabyte array per
 * chunk. Keeps at most a few free buffers; other sizes are left to the garbage collector. Thread-safe.
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

    synchronized void give(byte[] buffer) {
        if (buffer != null && buffer.length == size && free.size() < maxFree) {
            free.push(buffer);
        }
    }

    synchronized void clear() {
        free.clear();
    }
}
