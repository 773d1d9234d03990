package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.internal.util.UncheckedBuffer;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLDataException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Writes one column's values, given in PostgreSQL's binary send format (as {@code COPY ... (FORMAT binary)} sends
 * them), straight into an Arrow vector's buffers: big-endian integers and IEEE bits are copied, dates and timestamps
 * are moved from the 2000-01-01 epoch to 1970's, numerics are rebuilt from base-10000 digits, text is copied as is.
 * Every value equals what the cursor path ({@link ValueWriter}) produces from PostgreSQL's text for the same datum,
 * and the same values fail with the same errors ({@link ValueErrors}); {@code PostgresCopyIT} checks both.
 *
 * <p>No object is created per value, except for decimals wider than 18 digits ({@link BigDecimal}). One instance per
 * column per reader, bound to each batch's vector with {@link #bind}; not thread-safe.
 */
abstract class BinaryDecoder {

    /** Days from 1970-01-01 to 2000-01-01, PostgreSQL's date epoch. */
    static final int EPOCH_DAYS_2000 = 10_957;
    /** Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch. */
    static final long EPOCH_MICROS_2000 = EPOCH_DAYS_2000 * 86_400_000_000L;

    final String column;
    final String sourceType;

    BinaryDecoder(String column, String sourceType) {
        this.column = column;
        this.sourceType = sourceType;
    }

    /**
     * Creates the decoder for a top-level column.
     *
     * @param escapeHighBitChar whether the server prints a non-ASCII {@code "char"} as {@code \ooo} (PostgreSQL 15+)
     */
    static BinaryDecoder forColumn(Column c, boolean escapeHighBitChar) {
        ColumnType t = c.type();
        if (t.kind() == ColumnType.Kind.LIST) {
            return new ListDecoder(c.name(), c.sourceTypeName(),
                    scalar(c.name(), c.sourceTypeName(), elementType(c.sourceTypeName()), t.element(),
                            escapeHighBitChar));
        }
        return scalar(c.name(), c.sourceTypeName(), c.sourceTypeName(), t, escapeHighBitChar);
    }

    private static String elementType(String arrayType) {
        return arrayType.startsWith("_") ? arrayType.substring(1) : arrayType;
    }

    private static BinaryDecoder scalar(String n, String s, String pgType, ColumnType t, boolean escapeHighBitChar) {
        return switch (t.kind()) {
            case BOOLEAN -> new BoolDecoder(n, s);
            case INT16 -> new Int16Decoder(n, s);
            case INT32 -> new Int32Decoder(n, s);
            case INT64 -> pgType.equals("oid") ? new OidDecoder(n, s) : new Int64Decoder(n, s);
            case FLOAT32 -> new Int32Decoder(n, s);
            case FLOAT64 -> new Int64Decoder(n, s);
            case DECIMAL -> new DecimalDecoder(n, s, t.precision(), t.scale());
            // Only numeric maps to STRING without being text on the wire; "char" is one raw byte.
            case STRING -> pgType.equals("numeric") ? new NumericTextDecoder(n, s)
                    : pgType.equals("\"char\"") || pgType.equals("char") ? new CharDecoder(n, s, escapeHighBitChar)
                    : new BytesDecoder(n, s, 0);
            case JSON -> pgType.equals("jsonb") ? new BytesDecoder(n, s, 1) : new BytesDecoder(n, s, 0);
            case BINARY -> new BytesDecoder(n, s, 0);
            case UUID -> new UuidDecoder(n, s);
            case DATE -> new DateDecoder(n, s);
            case TIME_MICROS -> new Int64Decoder(n, s);
            case TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC -> new TimestampDecoder(n, s);
            case LIST -> throw new IllegalArgumentException("nested list");
        };
    }

    /** Points the decoder at {@code vector} for a new batch of about {@code rows} values, cleared of old ones. */
    abstract void bind(FieldVector vector, int rows);

    /** Writes the value sent as {@code b[off..off+len)} at {@code index}. */
    abstract void decode(int index, byte[] b, int off, int len) throws SQLDataException;

    /** Marks {@code index} null. */
    abstract void setNull(int index);

    /** Called once {@code count} values were written, before the vector's value count is set. */
    void finish(int count) {
    }

    final SQLDataException badLength(int len) {
        return ValueErrors.unreadable(column, sourceType,
                new NumberFormatException("unexpected binary length " + len));
    }

    /** Fixed-width vectors, written through their buffers; capacity grows when a value falls beyond it. */
    abstract static class Fixed extends BinaryDecoder {
        BaseFixedWidthVector vector;
        /** The vector's buffers, written unchecked: every index is below {@link #capacity}, grown first if not. */
        final UncheckedBuffer data = new UncheckedBuffer();
        final UncheckedBuffer validity = new UncheckedBuffer();
        int capacity;

        Fixed(String column, String sourceType) {
            super(column, sourceType);
        }

        @Override
        void bind(FieldVector v, int rows) {
            vector = (BaseFixedWidthVector) v;
            if (vector.getValueCapacity() < Math.max(rows, 1)) {
                vector.setInitialCapacity(Math.max(rows, 1));
                vector.allocateNew();
                refresh();
            } else {
                refresh();
                vector.getValidityBuffer().setZero(0, validity.capacity());
                clearData();
            }
        }

        /** Zeroes data that is written bit by bit; others overwrite every byte they use. */
        void clearData() {
        }

        private void refresh() {
            data.bind(vector.getDataBuffer());
            validity.bind(vector.getValidityBuffer());
            capacity = vector.getValueCapacity();
        }

        final void present(int index) {
            if (index >= capacity) {
                grow(index);
            }
            validity.setBit(index);
        }

        @Override
        final void setNull(int index) {
            if (index >= capacity) {
                grow(index);
            }
        }

        private void grow(int index) {
            while (vector.getValueCapacity() <= index) {
                vector.reAlloc();
            }
            refresh();
        }
    }

    static final class BoolDecoder extends Fixed {
        BoolDecoder(String c, String s) {
            super(c, s);
        }

        @Override
        void clearData() {
            vector.getDataBuffer().setZero(0, data.capacity());
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 1) {
                throw badLength(len);
            }
            present(index);
            if (b[off] != 0) {
                data.setBit(index);
            }
        }
    }

    static final class Int16Decoder extends Fixed {
        Int16Decoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 2) {
                throw badLength(len);
            }
            present(index);
            data.setShort((long) index << 1, CopyInput.getShort(b, off));
        }
    }

    /** int4, and float4 as its IEEE bits (exact, NaN payload and -0 included). */
    static final class Int32Decoder extends Fixed {
        Int32Decoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 4) {
                throw badLength(len);
            }
            present(index);
            data.setInt((long) index << 2, CopyInput.getInt(b, off));
        }
    }

    /** int8, time (microseconds since midnight), and float8 as its IEEE bits. */
    static final class Int64Decoder extends Fixed {
        Int64Decoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 8) {
                throw badLength(len);
            }
            present(index);
            data.setLong((long) index << 3, CopyInput.getLong(b, off));
        }
    }

    /** oid: an unsigned 32-bit number, widened to int64. */
    static final class OidDecoder extends Fixed {
        OidDecoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 4) {
                throw badLength(len);
            }
            present(index);
            data.setLong((long) index << 3, CopyInput.getInt(b, off) & 0xFFFF_FFFFL);
        }
    }

    /** date: days since 2000-01-01; INT32_MIN and INT32_MAX are -infinity and infinity. */
    static final class DateDecoder extends Fixed {
        DateDecoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 4) {
                throw badLength(len);
            }
            int days = CopyInput.getInt(b, off);
            if (days == Integer.MIN_VALUE || days == Integer.MAX_VALUE) {
                throw ValueErrors.infinite(column, sourceType);
            }
            int epochDay;
            try {
                epochDay = Math.addExact(days, EPOCH_DAYS_2000);
            } catch (ArithmeticException e) {
                throw ValueErrors.unreadable(column, sourceType, e);
            }
            present(index);
            data.setInt((long) index << 2, epochDay);
        }
    }

    /** timestamp and timestamptz: microseconds since 2000-01-01 (UTC); INT64_MIN/MAX are -infinity/infinity. */
    static final class TimestampDecoder extends Fixed {
        TimestampDecoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 8) {
                throw badLength(len);
            }
            long micros = CopyInput.getLong(b, off);
            if (micros == Long.MIN_VALUE || micros == Long.MAX_VALUE) {
                throw ValueErrors.infinite(column, sourceType);
            }
            long epochMicros;
            try {
                epochMicros = Math.addExact(micros, EPOCH_MICROS_2000);
            } catch (ArithmeticException e) {
                // After about year 294247 the value no longer fits microseconds since 1970 in 64 bits.
                throw ValueErrors.unreadable(column, sourceType, e);
            }
            present(index);
            data.setLong((long) index << 3, epochMicros);
        }
    }

    static final class UuidDecoder extends Fixed {
        UuidDecoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 16) {
                throw badLength(len);
            }
            present(index);
            data.setBytes((long) index << 4, b, off, 16);
        }
    }

    /**
     * numeric(p,s) into Decimal128: {@code ndigits, weight, sign, dscale} then base-10000 digits, digit {@code i}
     * worth {@code 10000^(weight-i)}. A value is never rounded: digits beyond the scale must be zero, and the unscaled
     * value must have at most {@code p} digits, else 22003 as on the cursor path. Up to 18 digits are summed in a
     * long; wider values go through {@link BigDecimal}.
     */
    static final class DecimalDecoder extends Fixed {
        private static final long[] POW10 = new long[19];
        /** The largest base-10000 digit that still fits a long once multiplied by {@code POW10[exp]}. */
        private static final long[] MAX_DIGIT = new long[19];

        static {
            POW10[0] = 1;
            MAX_DIGIT[0] = Long.MAX_VALUE;
            for (int i = 1; i < POW10.length; i++) {
                POW10[i] = POW10[i - 1] * 10;
                MAX_DIGIT[i] = Long.MAX_VALUE / POW10[i];
            }
        }

        private final int precision;
        private final int scale;

        DecimalDecoder(String c, String s, int precision, int scale) {
            super(c, s);
            this.precision = precision;
            this.scale = scale;
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len < 8) {
                throw badLength(len);
            }
            int ndigits = CopyInput.getShort(b, off);
            int weight = CopyInput.getShort(b, off + 2);
            int sign = CopyInput.getShort(b, off + 4) & 0xFFFF;
            if (sign != NumericText.POS && sign != NumericText.NEG) {
                throw ValueErrors.notFiniteDecimal(column, sourceType);
            }
            if (ndigits < 0 || len != 8 + 2 * ndigits) {
                throw badLength(len);
            }
            long unscaled = 0;
            for (int i = 0; i < ndigits; i++) {
                int d = CopyInput.getShort(b, off + 8 + 2 * i);
                int exp = 4 * (weight - i) + scale;
                if (exp >= 0) {
                    if (exp > 18 || d > MAX_DIGIT[exp]) {
                        writeBig(index, b, off, ndigits, weight, sign);
                        return;
                    }
                    unscaled += d * POW10[exp];
                    if (unscaled < 0) {
                        writeBig(index, b, off, ndigits, weight, sign);
                        return;
                    }
                } else if (-exp >= 4) {
                    if (d != 0) {
                        throw tooWide();
                    }
                } else {
                    // A digit cut by the scale: divisions by constants, which compile to multiplications.
                    int kept = switch (-exp) {
                        case 1 -> d % 10 == 0 ? d / 10 : -1;
                        case 2 -> d % 100 == 0 ? d / 100 : -1;
                        default -> d % 1000 == 0 ? d / 1000 : -1;
                    };
                    if (kept < 0) {
                        throw tooWide();
                    }
                    unscaled += kept;
                }
            }
            if (precision < 19 && unscaled >= POW10[precision]) {
                throw tooWide();
            }
            long value = sign == NumericText.NEG ? -unscaled : unscaled;
            present(index);
            long at = (long) index << 4;
            data.setLong(at, value);
            data.setLong(at + 8, value >> 63);
        }

        private void writeBig(int index, byte[] b, int off, int ndigits, int weight, int sign)
                throws SQLDataException {
            BigInteger digits = BigInteger.ZERO;
            BigInteger base = BigInteger.valueOf(10_000);
            for (int i = 0; i < ndigits; i++) {
                digits = digits.multiply(base).add(BigInteger.valueOf(CopyInput.getShort(b, off + 8 + 2 * i)));
            }
            // The last digit is worth 10000^(weight - ndigits + 1).
            BigDecimal v = new BigDecimal(sign == NumericText.NEG ? digits.negate() : digits,
                    -4 * (weight - ndigits + 1));
            try {
                v = v.setScale(scale);
            } catch (ArithmeticException e) {
                throw tooWide();
            }
            if (v.precision() > precision) {
                throw tooWide();
            }
            present(index);
            ((DecimalVector) vector).set(index, v);
        }

        private SQLDataException tooWide() {
            return ValueErrors.decimalTooWide(column, sourceType, precision, scale);
        }
    }

    /** Variable-width vectors (Utf8, Binary): values appended to the data buffer, offsets written as they go. */
    abstract static class Var extends BinaryDecoder {
        BaseVariableWidthVector vector;
        /** The vector's buffers, written unchecked: {@link #begin} grows them before a value would not fit. */
        final UncheckedBuffer data = new UncheckedBuffer();
        final UncheckedBuffer offsets = new UncheckedBuffer();
        final UncheckedBuffer validity = new UncheckedBuffer();
        int capacity;
        long dataCapacity;
        int end;

        Var(String column, String sourceType) {
            super(column, sourceType);
        }

        @Override
        void bind(FieldVector v, int rows) {
            vector = (BaseVariableWidthVector) v;
            if (vector.getValueCapacity() < Math.max(rows, 1)) {
                vector.setInitialCapacity(Math.max(rows, 1));
                vector.allocateNew();
            } else {
                ArrowBuf validityBuffer = vector.getValidityBuffer();
                validityBuffer.setZero(0, validityBuffer.capacity());
            }
            refresh();
            offsets.setInt(0, 0);
            end = 0;
        }

        private void refresh() {
            data.bind(vector.getDataBuffer());
            offsets.bind(vector.getOffsetBuffer());
            validity.bind(vector.getValidityBuffer());
            capacity = vector.getValueCapacity();
            dataCapacity = data.capacity();
        }

        /** Appends {@code b[off..off+len)} as the value at {@code index}. */
        final void put(int index, byte[] b, int off, int len) {
            long newEnd = begin(index, len);
            data.setBytes(end, b, off, len);
            commit(index, newEnd);
        }

        /** Makes room for a value of {@code len} bytes at {@code index}; returns its end offset. */
        final long begin(int index, int len) {
            if (index >= capacity) {
                growRows(index);
            }
            long newEnd = (long) end + len;
            if (newEnd > dataCapacity) {
                growData(newEnd);
            }
            return newEnd;
        }

        final void commit(int index, long newEnd) {
            end = (int) newEnd;
            offsets.setInt(((long) index + 1) << 2, end);
            validity.setBit(index);
        }

        @Override
        final void setNull(int index) {
            if (index >= capacity) {
                growRows(index);
            }
            offsets.setInt(((long) index + 1) << 2, end);
        }

        @Override
        final void finish(int count) {
            // The offsets are written; tell the vector so that setValueCount does not "fill holes" over them.
            vector.setLastSet(count - 1);
        }

        private void growRows(int index) {
            while (vector.getValueCapacity() <= index) {
                vector.reallocValidityAndOffsetBuffers();
            }
            refresh();
        }

        private void growData(long needed) {
            if (needed > Integer.MAX_VALUE) {
                throw new IllegalStateException("column \"" + column + "\": a batch holds more than 2 GB of values;"
                        + " lower batch_size");
            }
            while (vector.getDataBuffer().capacity() < needed) {
                vector.reallocDataBuffer();
            }
            refresh();
        }
    }

    /** Text, varchar, bpchar, name, enums, citext, json, bytea: the bytes as sent; jsonb after its version byte. */
    static final class BytesDecoder extends Var {
        private final int skip;

        BytesDecoder(String c, String s, int skip) {
            super(c, s);
            this.skip = skip;
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (skip > 0) {
                if (len < 1 || b[off] != 1) {
                    throw ValueErrors.unreadable(column, sourceType,
                            new NumberFormatException("unknown jsonb binary version"));
                }
            }
            put(index, b, off + skip, len - skip);
        }
    }

    /**
     * The single-byte {@code "char"} type as its output function prints it: NUL as the empty string, ASCII as itself,
     * and (PostgreSQL 15+) a byte with the high bit set as {@code \ooo}.
     */
    static final class CharDecoder extends Var {
        private final boolean escapeHighBit;
        private final byte[] scratch = new byte[4];

        CharDecoder(String c, String s, boolean escapeHighBit) {
            super(c, s);
            this.escapeHighBit = escapeHighBit;
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len != 1) {
                throw badLength(len);
            }
            int ch = b[off] & 0xFF;
            if (ch == 0) {
                put(index, b, off, 0);
            } else if (ch >= 0x80 && escapeHighBit) {
                scratch[0] = '\\';
                scratch[1] = (byte) ('0' + (ch >> 6));
                scratch[2] = (byte) ('0' + ((ch >> 3) & 7));
                scratch[3] = (byte) ('0' + (ch & 7));
                put(index, scratch, 0, 4);
            } else {
                put(index, b, off, 1);
            }
        }
    }

    /** Unconstrained numeric as the exact text PostgreSQL prints ({@link NumericText}). */
    static final class NumericTextDecoder extends Var {
        private byte[] scratch = new byte[64];

        NumericTextDecoder(String c, String s) {
            super(c, s);
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len < 8) {
                throw badLength(len);
            }
            int needed = NumericText.maxLength(b, off);
            if (scratch.length < needed) {
                scratch = new byte[Math.max(needed, scratch.length * 2)];
            }
            int n = NumericText.format(b, off, len, scratch);
            if (n < 0) {
                throw badLength(len);
            }
            put(index, scratch, 0, n);
        }
    }

    /**
     * A one-dimensional array: {@code ndim, flags, element oid}, then {@code size, lower bound} per dimension, then
     * each element as length (-1 for NULL) and value. An empty array has no dimensions. Multi-dimensional arrays fail
     * with 2202E as on the cursor path.
     */
    static final class ListDecoder extends BinaryDecoder {
        private final BinaryDecoder element;
        private ListVector vector;
        private int elements;

        ListDecoder(String c, String s, BinaryDecoder element) {
            super(c, s);
            this.element = element;
        }

        @Override
        void bind(FieldVector v, int rows) {
            vector = (ListVector) v;
            if (vector.getValueCapacity() < Math.max(rows, 1)) {
                vector.setInitialCapacity(Math.max(rows, 1));
                vector.allocateNew();
            } else {
                vector.reset();
            }
            element.bind(vector.getDataVector(), 0);
            elements = 0;
        }

        @Override
        void decode(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len < 12) {
                throw badLength(len);
            }
            int ndim = CopyInput.getInt(b, off);
            if (ndim == 0) {
                vector.startNewValue(index);
                vector.endValue(index, 0);
                return;
            }
            if (ndim != 1) {
                throw ValueErrors.multiDimensional(column, sourceType);
            }
            if (len < 20) {
                throw badLength(len);
            }
            int n = CopyInput.getInt(b, off + 12);
            int p = off + 20;
            int end = off + len;
            int start = vector.startNewValue(index);
            for (int k = 0; k < n; k++) {
                if (p + 4 > end) {
                    throw badLength(len);
                }
                int elen = CopyInput.getInt(b, p);
                p += 4;
                if (elen < 0) {
                    element.setNull(start + k);
                } else {
                    if (p + elen > end) {
                        throw badLength(len);
                    }
                    element.decode(start + k, b, p, elen);
                    p += elen;
                }
            }
            vector.endValue(index, n);
            elements = start + n;
        }

        @Override
        void setNull(int index) {
            vector.setNull(index);
        }

        @Override
        void finish(int count) {
            element.finish(elements);
        }
    }
}
