package io.rivet.core.internal.format.parquet;

import io.rivet.core.internal.util.UncheckedBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;

/**
 * A growable, reusable byte array with Parquet's little-endian writes: page values, encoded levels, dictionary pages
 * and the assembled page handed to the page store. It keeps its array between pages, so a column's steady state
 * allocates nothing. Not thread-safe.
 */
final class PageBytes {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Below this length buffers double; above it they grow by an eighth. */
    static final int GROWTH_KNEE = ColumnChunkWriter.PAGE_SIZE;

    byte[] array;
    int size;

    PageBytes(int initialCapacity) {
        this.array = new byte[Math.max(16, initialCapacity)];
    }

    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    /** Makes room for {@code n} more bytes. */
    void ensure(int n) {
        if (array.length - size < n) {
            array = Arrays.copyOf(array, grownCapacity(array.length, (long) size + n));
        }
    }

    /**
     * The new length of a buffer of {@code length} bytes that must hold {@code needed}: doubled while small, then
     * grown by an eighth. Pages are cut at about {@value ColumnChunkWriter#PAGE_SIZE} bytes, so doubling past that
     * would leave most of every column's buffer unused (twenty columns and two workers made that 80 MB of heap).
     */
    static int grownCapacity(int length, long needed) {
        long grown = length < GROWTH_KNEE ? (long) length * 2 : length + (length >> 3);
        long wanted = Math.max(needed, grown);
        if (wanted > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("a Parquet page would exceed 2 GB");
        }
        return (int) wanted;
    }

    void writeByte(int b) {
        ensure(1);
        array[size++] = (byte) b;
    }

    void writeIntLE(int v) {
        ensure(4);
        INT.set(array, size, v);
        size += 4;
    }

    void writeLongLE(long v) {
        ensure(8);
        LONG.set(array, size, v);
        size += 8;
    }

    /** Writes {@code v} in {@code width} (1..4) little-endian bytes, as RLE runs store their value. */
    void writeLE(int v, int width) {
        ensure(width);
        for (int i = 0; i < width; i++) {
            array[size++] = (byte) (v >>> (8 * i));
        }
    }

    void writeUnsignedVarInt(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            array[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        array[size++] = (byte) v;
    }

    void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, array, size, len);
        size += len;
    }

    void write(PageBytes other) {
        write(other.array, 0, other.size);
    }

    /** Copies {@code len} bytes from Arrow memory. */
    void write(UncheckedBuffer buf, long index, int len) {
        ensure(len);
        buf.getBytes(index, array, size, len);
        size += len;
    }

    /** The bytes written so far, without a copy: valid until the next write or reset. */
    BytesInput asInput() {
        return BytesInput.from(array, 0, size);
    }

    static int getIntLE(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long getLongLE(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    static void putIntLE(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }

    static void putLongLE(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }
}
