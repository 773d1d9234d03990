package io.rivet.core.internal.format.parquet;

import io.rivet.core.internal.util.UncheckedBuffer;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;

/** BOOLEAN columns: PLAIN only (bit-packed, least significant bit first), as parquet-java writes them. */
final class BooleanColumnWriter extends ColumnChunkWriter {

    private final PageBytes plain = new PageBytes(1024);
    private final UncheckedBuffer data = new UncheckedBuffer();
    private long bits;
    private int pending;
    private int count;
    private boolean sawTrue;
    private boolean sawFalse;

    BooleanColumnWriter(ColumnDescriptor descriptor, boolean list, PageBytes page) {
        super(descriptor, list, false, page);
    }

    @Override
    void bindValues(FieldVector values) {
        data.bind(values.getDataBuffer());
    }

    @Override
    void addValues(int from, int to, boolean allValid) {
        UncheckedBuffer valid = valueValidity;
        for (int i = from; i < to; i++) {
            if (!allValid && valid.bit(i) == 0) {
                continue;
            }
            int b = data.bit(i);
            if (b != 0) {
                sawTrue = true;
                bits |= 1L << pending;
            } else {
                sawFalse = true;
            }
            count++;
            if (++pending == 64) {
                plain.writeLongLE(bits);
                bits = 0;
                pending = 0;
            }
        }
    }

    @Override
    int pageValueCount() {
        return count;
    }

    @Override
    long pageValueBytes() {
        return plain.size() + 8;
    }

    @Override
    long dictionaryBytes() {
        return 0;
    }

    @Override
    int dictionaryEntries() {
        return 0;
    }

    @Override
    long plainValueBytes() {
        return (count + 7) / 8;
    }

    @Override
    void fallBackToPlain() {
    }

    @Override
    PageBytes plainValues() {
        // The last partial word, byte by byte; the page is written next, and then reset.
        for (int b = 0; b < pending; b += 8) {
            plain.writeByte((int) (bits >>> b));
        }
        bits = 0;
        pending = 0;
        return plain;
    }

    @Override
    void writeDictionaryIndices(PageBytes out) {
        throw new IllegalStateException("booleans are never dictionary-encoded");
    }

    @Override
    int writeDictionary(PageBytes out) {
        return 0;
    }

    @Override
    Statistics<?> pageStatistics(long nulls) {
        Statistics<?> s = Statistics.createStats(type);
        if (sawFalse) {
            s.updateStats(false);
        }
        if (sawTrue) {
            s.updateStats(true);
        }
        s.incrementNumNulls(nulls);
        return s;
    }

    @Override
    void resetPageValues() {
        plain.reset();
        bits = 0;
        pending = 0;
        count = 0;
        sawTrue = false;
        sawFalse = false;
    }

    @Override
    void clearDictionary() {
    }
}
