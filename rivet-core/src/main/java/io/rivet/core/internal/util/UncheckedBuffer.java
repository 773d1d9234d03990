package io.rivet.core.internal.util;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Reads and writes an Arrow buffer by address, without the bounds and reference-count checks that {@link ArrowBuf}
 * makes on every access.
 *
 * <p>Why: the per-value loops of the COPY decoders and the Parquet column writers spent several percent of an export's
 * CPU in those checks, most of it before C2 compiled them (docs/benchmarks.md, session 5). Those loops already know
 * their bounds: a decoder grows its vector before it writes past the capacity it was bound with, and a writer reads
 * only the rows of the batch it was given. So the check moves to where the bound is known, once per batch or growth,
 * and each access here is a plain load or store. Arrow's global switch ({@code arrow.enable_unsafe_memory_access})
 * would do the same for every Arrow user in the JVM, which an embedded library must not decide.
 *
 * <p>Each access still asserts its bounds, so the tests (run with {@code -ea}) fail on an out-of-bounds index instead
 * of corrupting memory. Indexes are byte offsets, as in {@link ArrowBuf}; multi-byte values are little-endian, as
 * Arrow's are.
 *
 * <p>{@link #bind} again after the buffer is reallocated: the view keeps the old address. Not thread-safe; one
 * instance per buffer role, held by the one thread that owns the vector.
 */
public final class UncheckedBuffer {

    private long address;
    private long capacity;

    /** Points this view at {@code buf}'s memory, which must stay allocated and unresized while it is used. */
    public UncheckedBuffer bind(ArrowBuf buf) {
        address = buf.memoryAddress();
        capacity = buf.capacity();
        return this;
    }

    /** The capacity of the bound buffer in bytes. */
    public long capacity() {
        return capacity;
    }

    public byte getByte(long index) {
        assert inBounds(index, 1) : outOfBounds(index, 1);
        return MemoryUtil.getByte(address + index);
    }

    public short getShort(long index) {
        assert inBounds(index, 2) : outOfBounds(index, 2);
        return MemoryUtil.getShort(address + index);
    }

    public int getInt(long index) {
        assert inBounds(index, 4) : outOfBounds(index, 4);
        return MemoryUtil.getInt(address + index);
    }

    public long getLong(long index) {
        assert inBounds(index, 8) : outOfBounds(index, 8);
        return MemoryUtil.getLong(address + index);
    }

    public float getFloat(long index) {
        return Float.intBitsToFloat(getInt(index));
    }

    public double getDouble(long index) {
        return Double.longBitsToDouble(getLong(index));
    }

    public void setShort(long index, short value) {
        assert inBounds(index, 2) : outOfBounds(index, 2);
        MemoryUtil.putShort(address + index, value);
    }

    public void setInt(long index, int value) {
        assert inBounds(index, 4) : outOfBounds(index, 4);
        MemoryUtil.putInt(address + index, value);
    }

    public void setLong(long index, long value) {
        assert inBounds(index, 8) : outOfBounds(index, 8);
        MemoryUtil.putLong(address + index, value);
    }

    /** Bit {@code bit} of a validity or boolean bitmap: 1 or 0. */
    public int bit(int bit) {
        return (getByte(bit >>> 3) >>> (bit & 7)) & 1;
    }

    /** Sets bit {@code bit} of a validity or boolean bitmap. */
    public void setBit(int bit) {
        long index = bit >>> 3;
        MemoryUtil.putByte(address + index, (byte) (getByte(index) | (1 << (bit & 7))));
    }

    /** Copies {@code length} bytes at {@code index} into {@code dst[dstOffset..]}. */
    public void getBytes(long index, byte[] dst, int dstOffset, int length) {
        assert inBounds(index, length) && dstOffset >= 0 && dstOffset + length <= dst.length
                : outOfBounds(index, length);
        MemoryUtil.copyFromMemory(address + index, dst, dstOffset, length);
    }

    /** Copies {@code src[srcOffset..srcOffset+length)} to {@code index}. */
    public void setBytes(long index, byte[] src, int srcOffset, int length) {
        assert inBounds(index, length) && srcOffset >= 0 && srcOffset + length <= src.length
                : outOfBounds(index, length);
        MemoryUtil.copyToMemory(src, srcOffset, address + index, length);
    }

    private boolean inBounds(long index, long length) {
        return address != 0 && index >= 0 && length >= 0 && index + length <= capacity;
    }

    private String outOfBounds(long index, long length) {
        return "bytes [" + index + ", " + (index + length) + ") outside a buffer of " + capacity + " bytes";
    }
}
