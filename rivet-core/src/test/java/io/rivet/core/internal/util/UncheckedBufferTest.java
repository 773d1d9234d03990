package io.rivet.core.internal.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVectorHelper;
import org.junit.jupiter.api.Test;

class UncheckedBufferTest {

    @Test
    void readsAndWritesWhatArrowBufSees() {
        try (BufferAllocator allocator = new RootAllocator(); ArrowBuf buf = allocator.buffer(64)) {
            buf.setZero(0, buf.capacity());
            UncheckedBuffer view = new UncheckedBuffer().bind(buf);
            view.setLong(8, 0x0102030405060708L);
            view.setInt(16, -5);
            view.setShort(20, (short) 300);
            view.setBytes(24, new byte[] {9, 8, 7}, 0, 3);
            view.setBit(3);
            view.setBit(9);

            assertEquals(0x0102030405060708L, buf.getLong(8));
            assertEquals(0x08, buf.getByte(8), "little-endian, as Arrow");
            assertEquals(-5, buf.getInt(16));
            assertEquals(300, buf.getShort(20));
            assertEquals(7, buf.getByte(26));
            assertEquals(1, BitVectorHelper.get(buf, 3));
            assertEquals(1, BitVectorHelper.get(buf, 9));
            assertEquals(0, BitVectorHelper.get(buf, 4));

            buf.setLong(32, Long.MIN_VALUE);
            assertEquals(Long.MIN_VALUE, view.getLong(32));
            assertEquals(-5, view.getInt(16));
            assertEquals(300, view.getShort(20));
            assertEquals(1, view.bit(9));
            assertEquals(0, view.bit(10));
            byte[] out = new byte[5];
            view.getBytes(24, out, 1, 3);
            assertArrayEquals(new byte[] {0, 9, 8, 7, 0}, out);
            assertEquals(64, view.capacity());
        }
    }

    @Test
    void outOfBoundsAccessFailsUnderAssertions() {
        // The tests run with -ea; there the view checks what production code no longer does per access.
        assertTrue(UncheckedBuffer.class.desiredAssertionStatus(), "tests must run with assertions enabled");
        try (BufferAllocator allocator = new RootAllocator(); ArrowBuf buf = allocator.buffer(16)) {
            UncheckedBuffer view = new UncheckedBuffer().bind(buf);
            AssertionError e = assertThrows(AssertionError.class, () -> view.getLong(12));
            assertEquals("bytes [12, 20) outside a buffer of 16 bytes", e.getMessage());
            assertThrows(AssertionError.class, () -> view.setInt(-1, 0));
            assertThrows(AssertionError.class, () -> view.setBit(128));
            assertThrows(AssertionError.class, () -> view.getBytes(8, new byte[4], 0, 9));
        }
        assertThrows(AssertionError.class, () -> new UncheckedBuffer().getByte(0), "unbound");
    }
}
