package io.rivet.core.internal.format.parquet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * Gives parquet-java's page store its buffers (the compressed pages of the open row group) from an Arrow allocator:
 * off the heap, so a row group neither churns the garbage collector nor grows the heap, and counted against the
 * engine's memory limit like the Arrow batches.
 *
 * <p>Pages are carved one after another out of {@value #SLAB_BYTES}-byte slabs (Arrow rounds each allocation up to a
 * power of two, which would waste up to half of every page); a slab is freed when every page in it was released,
 * which parquet-java does when the row group has been written. Larger requests get their own buffer. Everything
 * left is freed by {@link #close()}. Used by one writer thread; not thread-safe.
 */
final class ArrowByteBufferAllocator implements ByteBufferAllocator, AutoCloseable {

    static final int SLAB_BYTES = 4 * 1024 * 1024;

    private final BufferAllocator allocator;
    private final Map<ByteBuffer, Slab> live = new IdentityHashMap<>();
    private final List<Slab> slabs = new ArrayList<>();
    private Slab current;

    /** One Arrow buffer and the number of views into it not yet released. */
    private static final class Slab {
        final ArrowBuf buf;
        long used;
        int views;

        Slab(ArrowBuf buf) {
            this.buf = buf;
        }
    }

    ArrowByteBufferAllocator(BufferAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public ByteBuffer allocate(int size) {
        Slab slab;
        if (size > SLAB_BYTES / 4) {
            slab = new Slab(allocator.buffer(Math.max(size, 1)));
            slabs.add(slab);
        } else {
            if (current == null || current.buf.capacity() - current.used < size) {
                current = new Slab(allocator.buffer(SLAB_BYTES));
                slabs.add(current);
            }
            slab = current;
        }
        ByteBuffer view = slab.buf.nioBuffer(slab.used, size);
        slab.used += size;
        slab.views++;
        live.put(view, slab);
        return view;
    }

    @Override
    public void release(ByteBuffer b) {
        Slab slab = live.remove(b);
        if (slab != null && --slab.views == 0) {
            if (slab == current) {
                // Nothing in it is in use any more: start filling it again from the front.
                slab.used = 0;
            } else {
                slab.buf.close();
                slabs.remove(slab);
            }
        }
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    /** Frees every slab, released or not (an abandoned row group). */
    @Override
    public void close() {
        for (Slab slab : slabs) {
            slab.buf.close();
        }
        slabs.clear();
        live.clear();
        current = null;
    }
}
