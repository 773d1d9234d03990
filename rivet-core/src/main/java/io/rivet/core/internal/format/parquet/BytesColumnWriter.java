package io.rivet.core.internal.format.parquet;

import io.rivet.core.internal.util.UncheckedBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;

/**
 * BYTE_ARRAY columns (strings, JSON, bytes, from Arrow Utf8/Binary vectors) and FIXED_LEN_BYTE_ARRAY columns (UUIDs
 * from FixedSizeBinary(16); decimals of more than 18 digits from Decimal128, as the low {@code width} bytes of the
 * two's complement in big-endian order). Values are compared for statistics as parquet-java's comparator for the
 * type does: unsigned lexicographically, or as signed integers for decimals. No object per value: only the page's
 * minimum and maximum become {@link Binary}s, once per page.
 */
final class BytesColumnWriter extends ColumnChunkWriter {

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static final int SOURCE_VAR = 0;
    static final int SOURCE_FIXED = 1;
    static final int SOURCE_DECIMAL = 2;

    private final int source;
    /** Bytes per value for fixed-width sources; 0 for variable width. */
    private final int width;
    private final boolean countUnencoded;
    private final Dictionaries.Bytes dict = new Dictionaries.Bytes();
    private final PageBytes plain = new PageBytes(4096);
    private long dictionaryBytes;
    private int[] ids = new int[1024];
    private int count;
    private long rawBytes;
    private long unencoded;
    private byte[] value = new byte[256];
    private byte[] min = new byte[64];
    private int minLength = -1;
    private byte[] max = new byte[64];
    private int maxLength = -1;
    private long minPrefix;
    private long[] seen = new long[16];
    private long maxPrefix;
    private final UncheckedBuffer data = new UncheckedBuffer();
    private final UncheckedBuffer offsets = new UncheckedBuffer();

    BytesColumnWriter(ColumnDescriptor descriptor, boolean list, PageBytes page, int source, int width) {
        super(descriptor, list, true, page);
        this.source = source;
        this.width = width;
        this.countUnencoded = source == SOURCE_VAR;
    }

    @Override
    void bindValues(FieldVector values) {
        data.bind(values.getDataBuffer());
        if (source == SOURCE_VAR) {
            offsets.bind(values.getOffsetBuffer());
        }
    }

    /** Copies value {@code i} into {@link #value}; returns its length. */
    private int load(int i) {
        switch (source) {
            case SOURCE_VAR -> {
                int start = offsets.getInt((long) i << 2);
                int len = offsets.getInt(((long) i + 1) << 2) - start;
                if (len > value.length) {
                    value = new byte[Math.max(len, value.length * 2)];
                }
                data.getBytes(start, value, 0, len);
                return len;
            }
            case SOURCE_FIXED -> {
                data.getBytes((long) i * width, value, 0, width);
                return width;
            }
            default -> {
                // Decimal128 is little-endian; Parquet wants big-endian, cut to width bytes (the value fits).
                long base = (long) i << 4;
                for (int k = 0; k < width; k++) {
                    value[k] = data.getByte(base + width - 1 - k);
                }
                return width;
            }
        }
    }

    @Override
    void addValues(int from, int to, boolean allValid) {
        if (dictionary && count + (to - from) > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(count + (to - from), ids.length * 2));
        }
        UncheckedBuffer valid = valueValidity;
        if (!dictionary && source == SOURCE_VAR) {
            // Straight from Arrow into the page, compared for statistics where it landed.
            for (int i = from; i < to; i++) {
                if (!allValid && valid.bit(i) == 0) {
                    continue;
                }
                int start = offsets.getInt((long) i << 2);
                int len = offsets.getInt(((long) i + 1) << 2) - start;
                plain.writeIntLE(len);
                int at = plain.size;
                plain.write(data, start, len);
                stats(plain.array, at, len);
                rawBytes += 4 + len;
                unencoded += len;
                count++;
            }
            return;
        }
        for (int i = from; i < to; i++) {
            if (!allValid && valid.bit(i) == 0) {
                continue;
            }
            int len = load(i);
            if (!dictionary) {
                // With a dictionary, statistics come from the page's distinct entries at its end.
                stats(value, 0, len);
            }
            rawBytes += width == 0 ? 4 + len : len;
            if (countUnencoded) {
                unencoded += len;
            }
            if (dictionary) {
                int before = dict.size();
                int id = dict.idOf(value, 0, len, Dictionaries.Bytes.hash(value, 0, len));
                if (dict.size() > before) {
                    dictionaryBytes += width == 0 ? 4 + len : len;
                }
                ids[count] = id;
            } else {
                writePlain(plain, value, 0, len);
            }
            count++;
        }
    }

    private void writePlain(PageBytes out, byte[] b, int off, int len) {
        if (width == 0) {
            out.writeIntLE(len);
        }
        out.write(b, off, len);
    }

    /** Compares {@code a[off..off+len)} with {@code b[0..bLen)} in the type's sort order. */
    private int compare(byte[] a, int off, int len, byte[] b, int bLen) {
        if (source == SOURCE_DECIMAL) {
            // Two's complement of equal width: the sign decides first, then the bytes unsigned.
            int first = Byte.compare(a[off], b[0]);
            return first != 0 ? first : Arrays.compareUnsigned(a, off + 1, off + len, b, 1, bLen);
        }
        return Arrays.compareUnsigned(a, off, off + len, b, 0, bLen);
    }

    /**
     * The first 8 bytes of a value as an unsigned big-endian number (zero-padded), in the type's order: for decimals
     * the sign bit is flipped so that unsigned order is signed order. Most comparisons are decided on it.
     */
    private long prefix(byte[] v, int off, int len) {
        long p;
        if (len >= 8) {
            p = (long) BIG_ENDIAN_LONG.get(v, off);
        } else if (off + 8 <= v.length) {
            // Read 8 bytes and keep the first len of them (len is 0..7).
            p = len == 0 ? 0 : (long) BIG_ENDIAN_LONG.get(v, off) & (-1L << (64 - 8 * len));
        } else {
            p = 0;
            for (int k = 0; k < len; k++) {
                p |= (v[off + k] & 0xFFL) << (56 - 8 * k);
            }
        }
        return source == SOURCE_DECIMAL ? p ^ Long.MIN_VALUE : p;
    }

    private void stats(byte[] v, int off, int len) {
        long p = prefix(v, off, len);
        if (minLength < 0) {
            setMin(v, off, len, p);
            setMax(v, off, len, p);
            return;
        }
        int c = Long.compareUnsigned(p, minPrefix);
        if (c < 0 || c == 0 && compare(v, off, len, min, minLength) < 0) {
            setMin(v, off, len, p);
        }
        c = Long.compareUnsigned(p, maxPrefix);
        if (c > 0 || c == 0 && compare(v, off, len, max, maxLength) > 0) {
            setMax(v, off, len, p);
        }
    }

    private void setMin(byte[] v, int off, int len, long p) {
        if (min.length < len) {
            min = new byte[Math.max(len, min.length * 2)];
        }
        System.arraycopy(v, off, min, 0, len);
        minLength = len;
        minPrefix = p;
    }

    private void setMax(byte[] v, int off, int len, long p) {
        if (max.length < len) {
            max = new byte[Math.max(len, max.length * 2)];
        }
        System.arraycopy(v, off, max, 0, len);
        maxLength = len;
        maxPrefix = p;
    }

    @Override
    int pageValueCount() {
        return count;
    }

    @Override
    long pageValueBytes() {
        return dictionary ? 4L * count : plain.size();
    }

    @Override
    long dictionaryBytes() {
        return dictionaryBytes;
    }

    @Override
    int dictionaryEntries() {
        return dict.size();
    }

    @Override
    long plainValueBytes() {
        return rawBytes;
    }

    @Override
    long pageUnencodedBytes() {
        return unencoded;
    }

    /** Statistics of the page's dictionary-encoded values: each distinct entry compared once. */
    private void statsFromIds() {
        int n = dict.size();
        int words = (n + 63) >>> 6;
        if (seen.length < words) {
            seen = new long[Math.max(words, seen.length * 2)];
        }
        Arrays.fill(seen, 0, words, 0);
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            seen[id >>> 6] |= 1L << id;
        }
        byte[] arena = dict.arena();
        for (int w = 0; w < words; w++) {
            long bits = seen[w];
            while (bits != 0) {
                int id = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                stats(arena, dict.offset(id), dict.length(id));
            }
        }
    }

    @Override
    void fallBackToPlain() {
        statsFromIds();
        plain.reset();
        byte[] arena = dict.arena();
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            writePlain(plain, arena, dict.offset(id), dict.length(id));
        }
    }

    @Override
    PageBytes plainValues() {
        return plain;
    }

    @Override
    void writeDictionaryIndices(PageBytes out) {
        int bitWidth = RleEncoder.bitWidth(Math.max(0, dict.size() - 1));
        out.writeByte(bitWidth);
        RleEncoder.encode(ids, count, bitWidth, out);
    }

    @Override
    int writeDictionary(PageBytes out) {
        int n = dict.size();
        byte[] arena = dict.arena();
        for (int id = 0; id < n; id++) {
            writePlain(out, arena, dict.offset(id), dict.length(id));
        }
        return n;
    }

    @Override
    Statistics<?> pageStatistics(long nulls) {
        if (dictionary) {
            statsFromIds();
        }
        Statistics<?> s = Statistics.createStats(type);
        if (count > 0) {
            s.updateStats(Binary.fromConstantByteArray(Arrays.copyOf(min, minLength)));
            s.updateStats(Binary.fromConstantByteArray(Arrays.copyOf(max, maxLength)));
        }
        s.incrementNumNulls(nulls);
        return s;
    }

    @Override
    void resetPageValues() {
        count = 0;
        rawBytes = 0;
        unencoded = 0;
        plain.reset();
        minLength = -1;
        maxLength = -1;
    }

    @Override
    void clearDictionary() {
        dict.clear();
        dictionaryBytes = 0;
    }
}
