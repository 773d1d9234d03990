package io.rivet.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;

class BatchHandoffTest {
    private static final List<Column> COLUMNS = List.of(new Column("id", ColumnType.INT64, "int8"));

    @Test
    void aCleanChunkLeavesTheHandoffReusableWithItsBatchesAndMemory() throws Exception {
        try (RootAllocator root = new RootAllocator()) {
            IdlePool<BatchHandoff> pool = RunContext.newBatchPool(1);
            BatchHandoff handoff = new BatchHandoff(COLUMNS, root, "batches", 1 << 20, 1);
            Batch first = runChunk(handoff, 1000);
            long kept = handoff.allocator().getAllocatedMemory();
            assertTrue(kept > 0, "the batches' buffers stay allocated");
            assertTrue(handoff.reusable());
            pool.give(handoff);

            BatchHandoff again = pool.take();
            assertSame(handoff, again);
            assertSame(first, runChunk(again, 1000), "the next chunk fills the same batches");
            assertEquals(kept, again.allocator().getAllocatedMemory(), "no new buffers for the same rows");
            pool.give(again);
            pool.close();
            assertEquals(0, root.getAllocatedMemory(), "closing the pool frees the kept batches");
            assertTrue(root.getChildAllocators().isEmpty(), "and their allocator");
        }
    }

    @Test
    void aFailedOrUnfinishedHandoffIsClosedNotKept() throws Exception {
        try (RootAllocator root = new RootAllocator()) {
            IdlePool<BatchHandoff> pool = RunContext.newBatchPool(2);

            BatchHandoff failed = new BatchHandoff(COLUMNS, root, "failed", 1 << 20, 2);
            runChunk(failed, 10);
            failed.fail(new IllegalStateException("writer failed"));
            assertFalse(failed.reusable());
            pool.give(failed);

            BatchHandoff holding = new BatchHandoff(COLUMNS, root, "holding", 1 << 20, 2);
            holding.takeEmpty(); // a batch the reader never returned
            assertFalse(holding.reusable());
            pool.give(holding);

            BatchHandoff busy = new BatchHandoff(COLUMNS, root, "busy", 1 << 20, 2);
            BufferAllocator chunk = busy.allocator().newChildAllocator("chunk", 0, 1 << 20);
            assertFalse(busy.reusable(), "a chunk allocator still open under it");
            chunk.close();
            assertTrue(busy.reusable());
            busy.close();

            assertNull(pool.take());
            assertEquals(0, root.getAllocatedMemory());
            assertTrue(root.getChildAllocators().isEmpty());
            pool.close();
        }
    }

    @Test
    void thePoolKeepsAtMostOneItemPerWorkerAndClosesTheRest() {
        AtomicInteger closed = new AtomicInteger();
        IdlePool<String> pool = new IdlePool<>(2, s -> !s.startsWith("bad"), s -> closed.incrementAndGet());
        pool.give("a");
        pool.give("bad");
        pool.give("b");
        pool.give("c");
        assertEquals(2, closed.get(), "\"bad\" is not reusable and \"c\" is over the capacity");
        List<String> taken = new ArrayList<>();
        for (String s; (s = pool.take()) != null; ) {
            taken.add(s);
        }
        assertEquals(List.of("b", "a"), taken);
        pool.give("d");
        pool.close();
        assertEquals(3, closed.get());
        pool.give("e");
        assertEquals(4, closed.get(), "a closed pool closes what it is given");
    }

    /** Reader and writer sides of one chunk on this thread: one batch of {@code rows} rows, then the end. */
    private static Batch runChunk(BatchHandoff handoff, int rows) throws InterruptedException {
        Batch batch = handoff.takeEmpty();
        BigIntVector id = (BigIntVector) batch.getVector(0);
        id.allocateNewSafe();
        for (int i = 0; i < rows; i++) {
            id.setSafe(i, i);
        }
        batch.setRowCount(rows);
        handoff.publish(batch);
        handoff.finish();
        Batch full = handoff.takeFull();
        assertSame(batch, full);
        handoff.recycle(full);
        assertNull(handoff.takeFull());
        return batch;
    }
}
