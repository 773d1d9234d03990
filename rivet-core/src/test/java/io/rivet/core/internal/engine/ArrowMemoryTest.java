package io.rivet.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

class ArrowMemoryTest {

    @Test
    void largeBuffersAreRoundedToSixtyFourKilobytesNotToAPowerOfTwo() {
        try (BufferAllocator root = ArrowMemory.rootAllocator(64L << 20);
                ArrowBuf buf = root.buffer(4_100_000)) {
            assertEquals(4_128_768, buf.capacity(), "63 segments of 64 KiB");
            assertEquals(4_128_768, root.getAllocatedMemory());
        }
    }

    @Test
    void smallBuffersAreRoundedToAPowerOfTwo() {
        try (BufferAllocator root = ArrowMemory.rootAllocator(1L << 20);
                ArrowBuf a = root.buffer(100);
                ArrowBuf b = root.buffer(65_536)) {
            assertEquals(128, a.capacity());
            assertEquals(65_536, b.capacity());
        }
    }

    @Test
    void vectorsSizeTheirBuffersThroughTheSamePolicy() {
        try (BufferAllocator root = ArrowMemory.rootAllocator(64L << 20);
                IntVector v = new IntVector("v", root)) {
            v.allocateNew(300_000);
            // 1.2 MB of values and 37.5 KB of validity: a power-of-two policy would take 2 MiB for the values alone.
            assertTrue(root.getAllocatedMemory() < 1_400_000, "allocated " + root.getAllocatedMemory());
        }
    }
}
