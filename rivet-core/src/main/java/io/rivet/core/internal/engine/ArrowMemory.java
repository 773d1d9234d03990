package io.rivet.core.internal.engine;

import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.rounding.RoundingPolicy;

/**
 * Creates the Arrow root allocators of the engine and of Spark executors, with a rounding policy that wastes little.
 *
 * <p>Arrow's default policy rounds every buffer below 16 MB up to a power of two, so a 4.1 MB column buffer or a
 * 600 KB compressed Parquet page takes 8 MB or 1 MB, and a batch budget is up to half air. Here buffers are rounded up
 * to a power of two only below {@value #SEGMENT} bytes and to a multiple of it above, so at most 64 KB of each large
 * buffer is unused (design note 013).
 */
public final class ArrowMemory {

    /** Above this size, buffers are rounded to a multiple of it; below, to a power of two. */
    static final long SEGMENT = 64 * 1024;

    private static final RoundingPolicy ROUNDING = size -> {
        if (size <= SEGMENT) {
            return size <= 1 ? size : Long.highestOneBit(size - 1) << 1;
        }
        return (size + SEGMENT - 1) / SEGMENT * SEGMENT;
    };

    private ArrowMemory() {
    }

    /** A root allocator with the given limit in bytes and this class's rounding; the caller closes it. */
    public static BufferAllocator rootAllocator(long limit) {
        return new RootAllocator(AllocationListener.NOOP, limit, ROUNDING);
    }
}
