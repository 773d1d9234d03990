package io.rivet.core.internal.format.parquet;

import io.rivet.core.spi.ColumnType;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;

/**
 * Moves the values of one Arrow vector into one Parquet column writer, reading the Arrow buffers directly: no boxing,
 * no per-row records. Each subclass has its own loop in {@link #writeRows} so that the JIT sees one type per loop.
 *
 * <p>Definition levels: a top-level value is written at level 1 and NULL at 0; a list element at 3 and a NULL element
 * at 2 (see {@link ListWriter}). Binary values go through one reused array ({@link Binary#fromReusedByteArray}); this
 * is safe because parquet-java copies such values wherever it keeps them (dictionary, statistics).
 *
 * <p>Lifecycle: created once per file, {@link #columnWriter} set for each row group, {@link #bind} called for each batch
 * (Arrow may reallocate buffers between batches, and the writer keeps no reference after a batch). Not thread-safe.
 */
abstract class VectorWriter {

    /** Definition level of a present top-level value. */
    static final int TOP_LEVEL_DEF = 1;
    /** Definition level of a present list element. */
    static final int ELEMENT_DEF = 3;

    /** Definition level of a present value; NULL is one less. */
    final int valueDef;
    ColumnWriter out;
    ArrowBuf validity;
    ArrowBuf data;

    VectorWriter(int valueDef) {
        this.valueDef = valueDef;
    }

    /** Creates the writer for a column (or list element) of {@code type}. */
    static VectorWriter create(ColumnType type, int valueDef) {
        return switch (type.kind()) {
            case BOOLEAN -> new BooleanWriter(valueDef);
            case INT16 -> new ShortWriter(valueDef);
            case INT32, DATE -> new IntWriter(valueDef, 4);
            case INT64, TIME_MICROS, TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC -> new LongWriter(valueDef, 8);
            case FLOAT32 -> new FloatWriter(valueDef);
            case FLOAT64 -> new DoubleWriter(valueDef);
            case DECIMAL -> type.precision() <= 9 ? new IntWriter(valueDef, 16)
                    : type.precision() <= 18 ? new LongWriter(valueDef, 16)
                    : new DecimalBytesWriter(valueDef, ParquetSchemas.decimalBytes(type.precision()));
            case STRING, JSON, BINARY -> new VarBytesWriter(valueDef);
            case UUID -> new FixedBytesWriter(valueDef, 16);
            case LIST -> new ListWriter(create(type.element(), ELEMENT_DEF));
        };
    }

    /** Sets the Parquet column writer of the current row group. */
    void columnWriter(ColumnWriter out) {
        this.out = out;
    }

    /** Points this writer at the buffers of {@code vector} for the current batch. */
    void bind(FieldVector vector) {
        validity = vector.getValidityBuffer();
        data = vector.getDataBuffer();
    }

    final boolean isNull(int index) {
        return BitVectorHelper.get(validity, index) == 0;
    }

    /** Writes the present value at {@code index} with repetition level {@code rl}. */
    abstract void writeValue(int index, int rl);

    /** Writes rows {@code from} (inclusive) to {@code to} (exclusive) of a top-level column. */
    abstract void writeRows(int from, int to);

    static final class BooleanWriter extends VectorWriter {
        BooleanWriter(int valueDef) {
            super(valueDef);
        }

        @Override
        void writeValue(int index, int rl) {
            out.write(BitVectorHelper.get(data, index) != 0, rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    out.write(BitVectorHelper.get(data, i) != 0, 0, valueDef);
                }
            }
        }
    }

    static final class ShortWriter extends VectorWriter {
        ShortWriter(int valueDef) {
            super(valueDef);
        }

        @Override
        void writeValue(int index, int rl) {
            out.write((int) data.getShort(index * 2L), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    out.write((int) data.getShort(i * 2L), 0, valueDef);
                }
            }
        }
    }

    /** INT32 from 4-byte values, or from the low word of a little-endian Decimal128 (width 16) of precision <= 9. */
    static final class IntWriter extends VectorWriter {
        private final long width;

        IntWriter(int valueDef, int width) {
            super(valueDef);
            this.width = width;
        }

        @Override
        void writeValue(int index, int rl) {
            out.write(data.getInt(index * width), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    out.write(data.getInt(i * width), 0, valueDef);
                }
            }
        }
    }

    /** INT64 from 8-byte values, or from the low word of a little-endian Decimal128 (width 16) of precision <= 18. */
    static final class LongWriter extends VectorWriter {
        private final long width;

        LongWriter(int valueDef, int width) {
            super(valueDef);
            this.width = width;
        }

        @Override
        void writeValue(int index, int rl) {
            out.write(data.getLong(index * width), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    out.write(data.getLong(i * width), 0, valueDef);
                }
            }
        }
    }

    static final class FloatWriter extends VectorWriter {
        FloatWriter(int valueDef) {
            super(valueDef);
        }

        @Override
        void writeValue(int index, int rl) {
            out.write(data.getFloat(index * 4L), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    out.write(data.getFloat(i * 4L), 0, valueDef);
                }
            }
        }
    }

    static final class DoubleWriter extends VectorWriter {
        DoubleWriter(int valueDef) {
            super(valueDef);
        }

        @Override
        void writeValue(int index, int rl) {
            out.write(data.getDouble(index * 8L), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    out.write(data.getDouble(i * 8L), 0, valueDef);
                }
            }
        }
    }

    /** Variable-width bytes (Utf8 or Binary vectors, 32-bit offsets) as BINARY. */
    static final class VarBytesWriter extends VectorWriter {
        private ArrowBuf offsets;
        private byte[] scratch = new byte[256];

        VarBytesWriter(int valueDef) {
            super(valueDef);
        }

        @Override
        void bind(FieldVector vector) {
            super.bind(vector);
            offsets = vector.getOffsetBuffer();
        }

        @Override
        void writeValue(int index, int rl) {
            int start = offsets.getInt(index * 4L);
            int len = offsets.getInt(index * 4L + 4) - start;
            if (len > scratch.length) {
                scratch = new byte[Math.max(len, scratch.length * 2)];
            }
            data.getBytes(start, scratch, 0, len);
            out.write(Binary.fromReusedByteArray(scratch, 0, len), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    writeValue(i, 0);
                }
            }
        }
    }

    /** Fixed-width bytes (FixedSizeBinary, e.g. UUID) as FIXED_LEN_BYTE_ARRAY. */
    static final class FixedBytesWriter extends VectorWriter {
        private final int width;
        private final byte[] scratch;

        FixedBytesWriter(int valueDef, int width) {
            super(valueDef);
            this.width = width;
            this.scratch = new byte[width];
        }

        @Override
        void writeValue(int index, int rl) {
            data.getBytes((long) index * width, scratch, 0, width);
            out.write(Binary.fromReusedByteArray(scratch), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    writeValue(i, 0);
                }
            }
        }
    }

    /**
     * Decimal128 (16 bytes, little-endian two's complement) as a big-endian FIXED_LEN_BYTE_ARRAY of {@code width}
     * bytes: the low {@code width} bytes reversed, which is exact because the value fits the precision.
     */
    static final class DecimalBytesWriter extends VectorWriter {
        private final int width;
        private final byte[] scratch;

        DecimalBytesWriter(int valueDef, int width) {
            super(valueDef);
            this.width = width;
            this.scratch = new byte[width];
        }

        @Override
        void writeValue(int index, int rl) {
            long base = index * 16L;
            for (int k = 0; k < width; k++) {
                scratch[k] = data.getByte(base + width - 1 - k);
            }
            out.write(Binary.fromReusedByteArray(scratch), rl, valueDef);
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, valueDef - 1);
                } else {
                    writeValue(i, 0);
                }
            }
        }
    }

    /**
     * A one-dimensional list as the three-level LIST group: NULL list (rl 0, dl 0), empty list (rl 0, dl 1), NULL
     * element (dl 2), present element (dl 3); the first element of a row has rl 0, the others rl 1.
     */
    static final class ListWriter extends VectorWriter {
        private final VectorWriter element;
        private ArrowBuf offsets;

        ListWriter(VectorWriter element) {
            super(TOP_LEVEL_DEF);
            this.element = element;
        }

        @Override
        void columnWriter(ColumnWriter out) {
            super.columnWriter(out);
            element.columnWriter(out);
        }

        @Override
        void bind(FieldVector vector) {
            validity = vector.getValidityBuffer();
            offsets = vector.getOffsetBuffer();
            element.bind(((ListVector) vector).getDataVector());
        }

        @Override
        void writeValue(int index, int rl) {
            throw new UnsupportedOperationException("nested lists are not supported");
        }

        @Override
        void writeRows(int from, int to) {
            for (int i = from; i < to; i++) {
                if (isNull(i)) {
                    out.writeNull(0, 0);
                    continue;
                }
                int start = offsets.getInt(i * 4L);
                int end = offsets.getInt(i * 4L + 4);
                if (start == end) {
                    out.writeNull(0, 1);
                    continue;
                }
                for (int j = start; j < end; j++) {
                    int rl = j == start ? 0 : 1;
                    if (element.isNull(j)) {
                        out.writeNull(rl, ELEMENT_DEF - 1);
                    } else {
                        element.writeValue(j, rl);
                    }
                }
            }
        }
    }
}
