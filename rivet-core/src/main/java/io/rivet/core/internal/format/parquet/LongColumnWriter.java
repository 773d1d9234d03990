package io.rivet.core.internal.format.parquet;

import io.rivet.core.internal.util.UncheckedBuffer;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * INT32, INT64, FLOAT and DOUBLE columns: every value is read from the Arrow data buffer as a 64-bit key (integers
 * sign-extended, floats as their IEEE bits, decimals of up to 18 digits from the low word of their Decimal128), which
 * serves as dictionary key, plain value and statistics input alike. Without NULLs and without a dictionary, a slice
 * whose Arrow width equals the Parquet width is copied in one go.
 */
final class LongColumnWriter extends ColumnChunkWriter {

    static final int SOURCE_I16 = 0;
    static final int SOURCE_I32 = 1;
    static final int SOURCE_I64 = 2;
    static final int SOURCE_DEC_LOW32 = 3;
    static final int SOURCE_DEC_LOW64 = 4;

    private final int source;
    private final int width;
    private final boolean floating;
    private final boolean copyable;
    private final Dictionaries.Longs dict = new Dictionaries.Longs();
    private final PageBytes plain = new PageBytes(4096);
    private int[] ids = new int[1024];
    private int count;
    private long min;
    private long max;
    private Statistics<?> floatStats;
    private final UncheckedBuffer data = new UncheckedBuffer();

    LongColumnWriter(ColumnDescriptor descriptor, boolean list, PageBytes page, int source) {
        super(descriptor, list, true, page);
        this.source = source;
        PrimitiveTypeName physical = type.getPrimitiveTypeName();
        this.width = physical == PrimitiveTypeName.INT64 || physical == PrimitiveTypeName.DOUBLE ? 8 : 4;
        this.floating = physical == PrimitiveTypeName.FLOAT || physical == PrimitiveTypeName.DOUBLE;
        this.copyable = source == SOURCE_I32 && width == 4 || source == SOURCE_I64 && width == 8;
        resetPageValues();
    }

    @Override
    void bindValues(FieldVector values) {
        data.bind(values.getDataBuffer());
    }

    private long read(int i) {
        return switch (source) {
            case SOURCE_I16 -> data.getShort((long) i << 1);
            case SOURCE_I32 -> data.getInt((long) i << 2);
            case SOURCE_I64 -> data.getLong((long) i << 3);
            case SOURCE_DEC_LOW32 -> data.getInt((long) i << 4);
            default -> data.getLong((long) i << 4);
        };
    }

    @Override
    void addValues(int from, int to, boolean allValid) {
        // One test for "no NULLs here" and "stored as it arrives" ('&', not '&&'): a slice without NULLs of a column
        // that needs conversion is rare, and as a branch of its own the JIT compiled it as a trap that fired late in a
        // run and recompiled this method (docs/benchmarks.md, session 7).
        if (allValid & copyable && !dictionary) {
            int n = to - from;
            plain.write(data, (long) from * width, n * width);
            for (int i = from; i < to; i++) {
                stats(read(i));
            }
            count += n;
            return;
        }
        if (count + (to - from) > ids.length && dictionary) {
            ids = Arrays.copyOf(ids, Math.max(count + (to - from), ids.length * 2));
        }
        UncheckedBuffer valid = valueValidity;
        for (int i = from; i < to; i++) {
            if (!allValid && valid.bit(i) == 0) {
                continue;
            }
            long v = read(i);
            stats(v);
            if (dictionary) {
                ids[count] = dict.idOf(v);
            } else {
                writePlain(plain, v);
            }
            count++;
        }
    }

    private void stats(long v) {
        if (floating) {
            if (width == 4) {
                floatStats.updateStats(Float.intBitsToFloat((int) v));
            } else {
                floatStats.updateStats(Double.longBitsToDouble(v));
            }
        } else {
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
    }

    private void writePlain(PageBytes out, long v) {
        if (width == 4) {
            out.writeIntLE((int) v);
        } else {
            out.writeLongLE(v);
        }
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
        return (long) dict.size() * width;
    }

    @Override
    int dictionaryEntries() {
        return dict.size();
    }

    @Override
    long plainValueBytes() {
        return (long) count * width;
    }

    @Override
    void fallBackToPlain() {
        plain.reset();
        for (int i = 0; i < count; i++) {
            writePlain(plain, dict.value(ids[i]));
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
        for (int id = 0; id < n; id++) {
            writePlain(out, dict.value(id));
        }
        return n;
    }

    @Override
    Statistics<?> pageStatistics(long nulls) {
        Statistics<?> s;
        if (floating) {
            s = floatStats;
        } else {
            s = Statistics.createStats(type);
            if (count > 0) {
                if (width == 4) {
                    s.updateStats((int) min);
                    s.updateStats((int) max);
                } else {
                    s.updateStats(min);
                    s.updateStats(max);
                }
            }
        }
        s.incrementNumNulls(nulls);
        return s;
    }

    @Override
    void resetPageValues() {
        count = 0;
        plain.reset();
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
        floatStats = floating ? Statistics.createStats(type) : null;
    }

    @Override
    void clearDictionary() {
        dict.clear();
    }
}
