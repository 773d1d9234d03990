package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.internal.source.DecimalText;
import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Writes one column's values, given as PostgreSQL's text rendering, into an Arrow vector. One instance per column per
 * reader, re-bound to the vector of each batch; not thread-safe. Failures are {@link SQLDataException}s (SQLSTATE
 * class 22, permanent) that name the column and never contain the value.
 */
abstract class ValueWriter {

    final String column;
    final String sourceType;
    final PgText text;

    ValueWriter(String column, String sourceType, PgText text) {
        this.column = column;
        this.sourceType = sourceType;
        this.text = text;
    }

    /** Creates the writer for a top-level column. */
    static ValueWriter forColumn(Column c, PgText text) {
        ColumnType t = c.type();
        if (t.kind() == ColumnType.Kind.LIST) {
            return new ListWriter(c.name(), c.sourceTypeName(), text, scalar(c, t.element(), false, text));
        }
        return scalar(c, t, true, text);
    }

    private static ValueWriter scalar(Column c, ColumnType t, boolean topLevel, PgText text) {
        String n = c.name();
        String s = c.sourceTypeName();
        return switch (t.kind()) {
            case BOOLEAN -> new BoolWriter(n, s, text);
            case INT16 -> new Int16Writer(n, s, text);
            case INT32 -> new Int32Writer(n, s, text);
            case INT64 -> new Int64Writer(n, s, text);
            case FLOAT32 -> new Float32Writer(n, s, text);
            case FLOAT64 -> new Float64Writer(n, s, text);
            case DECIMAL -> new DecimalWriter(n, s, text, t.precision(), t.scale());
            case STRING, JSON -> new Utf8Writer(n, s, text);
            case UUID -> new UuidWriter(n, s, text);
            // pgjdbc decodes a bytea column itself; inside an array the element is still in hex output.
            case BINARY -> topLevel ? new BinaryWriter(n, s, text) : new ByteaHexWriter(n, s, text);
            case DATE -> new DateWriter(n, s, text);
            case TIME_MICROS -> new TimeWriter(n, s, text);
            case TIMESTAMP_MICROS -> new TimestampWriter(n, s, text, false);
            case TIMESTAMP_MICROS_UTC -> new TimestampWriter(n, s, text, true);
            case LIST -> throw new IllegalArgumentException("nested list");
        };
    }

    /** Points the writer at this batch's vector. */
    abstract void bind(FieldVector vector);

    /** Writes the value rendered in {@code b[off..off+len)} at {@code index}. */
    abstract void set(int index, byte[] b, int off, int len) throws SQLDataException;

    /** Marks {@code index} null. */
    abstract void setNull(int index);

    final SQLDataException unreadable(RuntimeException cause) {
        return ValueErrors.unreadable(column, sourceType, cause);
    }

    final SQLDataException infinite() {
        return ValueErrors.infinite(column, sourceType);
    }

    /** Writers of fixed-width vectors: null is just a cleared validity bit. */
    abstract static class Fixed<V extends FieldVector> extends ValueWriter {
        V vector;

        Fixed(String column, String sourceType, PgText text) {
            super(column, sourceType, text);
        }

        @Override
        @SuppressWarnings("unchecked")
        final void bind(FieldVector v) {
            vector = (V) v;
        }

        @Override
        final void setNull(int index) {
            vector.setNull(index);
        }

        @Override
        final void set(int index, byte[] b, int off, int len) throws SQLDataException {
            try {
                write(index, b, off, len);
            } catch (NumberFormatException | ArithmeticException e) {
                throw unreadable(e);
            }
        }

        abstract void write(int index, byte[] b, int off, int len) throws SQLDataException;
    }

    static final class BoolWriter extends Fixed<BitVector> {
        BoolWriter(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            if (len != 1 || b[off] != 't' && b[off] != 'f') {
                throw new NumberFormatException("not a boolean");
            }
            vector.setSafe(index, b[off] == 't' ? 1 : 0);
        }
    }

    static final class Int16Writer extends Fixed<SmallIntVector> {
        Int16Writer(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            long v = PgText.parseLong(b, off, len);
            if (v != (short) v) {
                throw new ArithmeticException("out of smallint range");
            }
            vector.setSafe(index, (short) v);
        }
    }

    static final class Int32Writer extends Fixed<IntVector> {
        Int32Writer(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, Math.toIntExact(PgText.parseLong(b, off, len)));
        }
    }

    static final class Int64Writer extends Fixed<BigIntVector> {
        Int64Writer(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, PgText.parseLong(b, off, len));
        }
    }

    static final class Float32Writer extends Fixed<Float4Vector> {
        Float32Writer(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            // PostgreSQL prints the shortest text that reads back exactly (extra_float_digits > 0), and NaN/Infinity
            // as Java spells them.
            vector.setSafe(index, Float.parseFloat(new String(b, off, len, StandardCharsets.ISO_8859_1)));
        }
    }

    static final class Float64Writer extends Fixed<Float8Vector> {
        Float64Writer(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, Double.parseDouble(new String(b, off, len, StandardCharsets.ISO_8859_1)));
        }
    }

    static final class DecimalWriter extends Fixed<DecimalVector> {
        private final int precision;
        private final int scale;

        DecimalWriter(String c, String s, PgText t, int precision, int scale) {
            super(c, s, t);
            this.precision = precision;
            this.scale = scale;
        }

        @Override
        void write(int index, byte[] b, int off, int len) throws SQLDataException {
            byte first = b[off];
            if (first == 'N' || first == 'I' || first == '-' && len > 1 && b[off + 1] == 'I') {
                throw ValueErrors.notFiniteDecimal(column, sourceType);
            }
            // PostgreSQL prints a constrained numeric with exactly its scale, so most values take the long path.
            if (!DecimalText.set(vector, index, b, off, len, precision, scale)) {
                throw tooWide();
            }
        }

        private SQLDataException tooWide() {
            return ValueErrors.decimalTooWide(column, sourceType, precision, scale);
        }
    }

    static final class UuidWriter extends Fixed<FixedSizeBinaryVector> {
        private final byte[] bytes = new byte[16];

        UuidWriter(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            PgText.parseUuid(b, off, len, bytes);
            vector.setSafe(index, bytes);
        }
    }

    static final class DateWriter extends Fixed<DateDayVector> {
        DateWriter(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) throws SQLDataException {
            if (PgText.isInfinity(b, off, len)) {
                throw infinite();
            }
            vector.setSafe(index, text.parseEpochDay(b, off, len));
        }
    }

    static final class TimeWriter extends Fixed<TimeMicroVector> {
        TimeWriter(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, text.parseTimeMicros(b, off, len));
        }
    }

    static final class TimestampWriter extends Fixed<TimeStampVector> {
        private final boolean utc;

        TimestampWriter(String c, String s, PgText t, boolean utc) {
            super(c, s, t);
            this.utc = utc;
        }

        @Override
        void write(int index, byte[] b, int off, int len) throws SQLDataException {
            if (PgText.isInfinity(b, off, len)) {
                throw infinite();
            }
            vector.setSafe(index, utc ? text.parseTimestamptzMicros(b, off, len)
                    : text.parseTimestampMicros(b, off, len));
        }
    }

    static final class Utf8Writer extends ValueWriter {
        private VarCharVector vector;

        Utf8Writer(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void bind(FieldVector v) {
            vector = (VarCharVector) v;
        }

        @Override
        void set(int index, byte[] b, int off, int len) {
            vector.setSafe(index, b, off, len);
        }

        @Override
        void setNull(int index) {
            vector.setNull(index);
        }
    }

    static class BinaryWriter extends ValueWriter {
        VarBinaryVector vector;

        BinaryWriter(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void bind(FieldVector v) {
            vector = (VarBinaryVector) v;
        }

        @Override
        void set(int index, byte[] b, int off, int len) throws SQLDataException {
            vector.setSafe(index, b, off, len);
        }

        @Override
        void setNull(int index) {
            vector.setNull(index);
        }
    }

    static final class ByteaHexWriter extends BinaryWriter {
        ByteaHexWriter(String c, String s, PgText t) {
            super(c, s, t);
        }

        @Override
        void set(int index, byte[] b, int off, int len) throws SQLDataException {
            try {
                vector.setSafe(index, PgText.parseByteaHex(b, off, len));
            } catch (NumberFormatException e) {
                throw unreadable(e);
            }
        }
    }

    /**
     * A one-dimensional array in PostgreSQL's text form: {@code {1,NULL,"a \"b\""}}, optionally after a bounds
     * decoration such as {@code [0:2]=}. NULL elements stay null; a quoted "NULL" is the string. Multi-dimensional
     * arrays fail.
     */
    static final class ListWriter extends ValueWriter {
        private final ValueWriter element;
        private ListVector vector;
        private byte[] scratch = new byte[64];

        ListWriter(String c, String s, PgText t, ValueWriter element) {
            super(c, s, t);
            this.element = element;
        }

        @Override
        void bind(FieldVector v) {
            vector = (ListVector) v;
            element.bind((FieldVector) vector.getDataVector());
        }

        @Override
        void setNull(int index) {
            vector.setNull(index);
        }

        @Override
        void set(int index, byte[] b, int off, int len) throws SQLDataException {
            int end = off + len;
            int i = off;
            if (i < end && b[i] == '[') {
                int eq = i;
                while (eq < end && b[eq] != '=') {
                    if (b[eq] == ']' && eq + 1 < end && b[eq + 1] == '[') {
                        throw multiDimensional();
                    }
                    eq++;
                }
                i = eq + 1;
            }
            if (i >= end || b[i] != '{' || b[end - 1] != '}') {
                throw unreadable(new NumberFormatException("not an array"));
            }
            i++;
            int start = vector.startNewValue(index);
            int n = 0;
            if (b[i] == '}') {
                vector.endValue(index, 0);
                return;
            }
            while (true) {
                int child = start + n;
                byte c = b[i];
                if (c == '{') {
                    throw multiDimensional();
                } else if (c == '"') {
                    int sl = 0;
                    i++;
                    while (b[i] != '"') {
                        if (b[i] == '\\') {
                            i++;
                        }
                        if (sl == scratch.length) {
                            scratch = java.util.Arrays.copyOf(scratch, sl * 2);
                        }
                        scratch[sl++] = b[i++];
                    }
                    i++;
                    element.set(child, scratch, 0, sl);
                } else {
                    int tokenStart = i;
                    while (b[i] != ',' && b[i] != '}') {
                        i++;
                    }
                    int tl = i - tokenStart;
                    if (tl == 4 && (b[tokenStart] | 0x20) == 'n' && (b[tokenStart + 1] | 0x20) == 'u'
                            && (b[tokenStart + 2] | 0x20) == 'l' && (b[tokenStart + 3] | 0x20) == 'l') {
                        element.setNull(child);
                    } else {
                        element.set(child, b, tokenStart, tl);
                    }
                }
                n++;
                if (b[i] == ',') {
                    i++;
                } else if (b[i] == '}') {
                    break;
                } else {
                    throw unreadable(new NumberFormatException("malformed array"));
                }
            }
            vector.endValue(index, n);
        }

        private SQLDataException multiDimensional() {
            return ValueErrors.multiDimensional(column, sourceType);
        }
    }
}
