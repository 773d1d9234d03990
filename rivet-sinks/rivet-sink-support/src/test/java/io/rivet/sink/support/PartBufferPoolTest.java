package io.rivet.sink.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PartBufferPoolTest {

    @Test
    void take_afterGive_reusesTheSameBuffer() {
        PartBufferPool pool = new PartBufferPool(4);
        ByteBuffer first = pool.take(1024);
        assertTrue(first.isDirect());
        first.put((byte) 7);
        pool.give(first);

        ByteBuffer second = pool.take(1024);
        assertSame(first, second);
        assertEquals(0, second.position(), "a reused buffer starts cleared");
        assertEquals(1024, second.limit());
        assertEquals(1, pool.allocations());
    }

    @Test
    void take_manyPartsThroughFewBuffers_allocatesOnlyThePeakInUse() {
        PartBufferPool pool = new PartBufferPool(4);
        for (int part = 0; part < 100; part++) {
            ByteBuffer a = pool.take(4096);
            ByteBuffer b = pool.take(4096);
            pool.give(a);
            pool.give(b);
        }
        assertEquals(2, pool.allocations());
        assertEquals(0, pool.inUse());
        assertEquals(2, pool.freeCount());
    }

    @Test
    void take_otherSize_allocatesAndKeepsBothSizes() {
        PartBufferPool pool = new PartBufferPool(4);
        ByteBuffer small = pool.take(1024);
        pool.give(small);
        ByteBuffer large = pool.take(2048);
        assertNotSame(small, large);
        assertEquals(2048, large.capacity());
        pool.give(large);
        assertSame(small, pool.take(1024));
        assertSame(large, pool.take(2048));
    }

    @Test
    void give_beyondMaxFree_dropsTheBuffer() {
        PartBufferPool pool = new PartBufferPool(1);
        ByteBuffer a = pool.take(64);
        ByteBuffer b = pool.take(64);
        pool.give(a);
        pool.give(b);
        assertEquals(1, pool.freeCount());
        assertEquals(0, pool.inUse());
    }

    @Test
    void give_twice_throws() {
        PartBufferPool pool = new PartBufferPool(4);
        ByteBuffer a = pool.take(64);
        pool.give(a);
        assertThrows(IllegalArgumentException.class, () -> pool.give(a));
        assertThrows(IllegalArgumentException.class, () -> pool.give(ByteBuffer.allocateDirect(64)));
        assertEquals(1, pool.freeCount(), "a rejected buffer is not pooled");
    }

    @Test
    void close_dropsFreeBuffersAndLaterReturns() {
        PartBufferPool pool = new PartBufferPool(4);
        ByteBuffer a = pool.take(64);
        ByteBuffer b = pool.take(64);
        pool.give(a);
        pool.close();
        assertEquals(0, pool.freeCount());
        pool.give(b);
        assertEquals(0, pool.freeCount());
        assertEquals(0, pool.inUse());
        pool.close();
    }

    @Test
    void take_nonPositive_throws() {
        PartBufferPool pool = new PartBufferPool(4);
        assertThrows(IllegalArgumentException.class, () -> pool.take(0));
        assertThrows(IllegalArgumentException.class, () -> new PartBufferPool(-1));
    }

    @Test
    void byteBufferInputStream_readTwice_seesTheSameBytesAndLeavesTheBufferAlone() throws IOException {
        PartBufferPool pool = new PartBufferPool(1);
        ByteBuffer part = pool.take(10_000);
        for (int i = 0; i < 10_000; i++) {
            part.put((byte) (i * 31));
        }
        part.flip();

        byte[] first;
        try (InputStream in = new ByteBufferInputStream(part)) {
            first = in.readAllBytes();
        }
        byte[] second = new byte[10_000];
        try (InputStream in = new ByteBufferInputStream(part)) {
            int n = 0;
            second[n++] = (byte) in.read();
            assertEquals(1, in.skip(1));
            second[n++] = first[1];
            in.mark(0);
            assertEquals(first[2], (byte) in.read());
            in.reset();
            while (n < second.length) {
                int r = in.read(second, n, Math.min(777, second.length - n));
                assertTrue(r > 0);
                n += r;
            }
            assertEquals(-1, in.read());
            assertEquals(-1, in.read(second, 0, 1));
            assertEquals(0, in.available());
        }
        assertEquals(10_000, first.length);
        assertArrayEquals(first, second);
        assertEquals(0, part.position(), "reading does not move the buffer");
        assertEquals(10_000, part.limit());
    }
}
