package io.rivet.core.internal.dialect.mysql;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.internal.source.DecimalText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.SQLDataException;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Writes one column's values, as the text protocol carries them (a number or date as text, a string in its column's
 * character set, a BIT as big-endian bytes), into an Arrow vector. One instance per column per reader, re-bound to the
 * vector of each batch; not thread-safe. Failures are {@link SQLDataException}s (SQLSTATE class 22, permanent) that
 * name the column and never contain the value.
 */
abstract class MySqlValueWriter {

    final String column;
    final String sourceType;
    /** Zero dates written as NULL ({@code zeroDateTimeBehavior=CONVERT_TO_NULL}): the one lossy MySQL mapping. */
    long zeroDatesNulled;

    MySqlValueWriter(String column, String sourceType) {
        this.column = column;
        this.sourceType = sourceType;
    }

    /**
     * Creates the writer for {@code c}.
     *
     * @param zeroDatesAsNull whether a zero date becomes NULL ({@code zeroDateTimeBehavior=CONVERT_TO_NULL}) rather
     *     than failing the read
     */
    static MySqlValueWriter forColumn(Column c, boolean zeroDatesAsNull) {
        String n = c.name();
        String s = c.sourceTypeName();
        ColumnType t = c.type();
        boolean bit = s.startsWith("bit(");
        return switch (t.kind()) {
            case BOOLEAN -> bit ? new BitBooleanWriter(n, s) : new TinyBooleanWriter(n, s);
            case INT16 -> new Int16Writer(n, s);
            case INT32 -> new Int32Writer(n, s);
            case INT64 -> bit ? new BitLongWriter(n, s)
                    : isTime(s) ? new TimeWriter(n, s) : new Int64Writer(n, s);
            case FLOAT32 -> new Float32Writer(n, s);
            case FLOAT64 -> new Float64Writer(n, s);
            case DECIMAL -> bit ? new BitDecimalWriter(n, s) : new DecimalWriter(n, s, t.precision(), t.scale());
            case STRING, JSON -> new Utf8Writer(n, s);
            case BINARY -> new BinaryWriter(n, s);
            case DATE -> new DateWriter(n, s, zeroDatesAsNull);
            case TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC -> new DateTimeWriter(n, s, zeroDatesAsNull);
            case UUID, TIME_MICROS, LIST -> throw new IllegalArgumentException("column \"" + n + "\": the MySQL"
                    + " dialect never maps to " + t);
        };
    }

    /** Whether a source type name is MySQL's TIME (exported as INT64 microseconds). */
    static boolean isTime(String sourceType) {
        return sourceType.equals("time") || sourceType.startsWith("time(");
    }

    /** Points the writer at this batch's vector. */
    abstract void bind(FieldVector vector);

    /**
     * Tells the writer the character set its values arrive in (for text columns of another character set than UTF-8,
     * which are re-encoded); {@code null} for UTF-8 or bytes.
     */
    void charset(Charset charset) {
    }

    /** Writes the value in {@code b[off..off+len)} at {@code index}. */
    abstract void set(int index, byte[] b, int off, int len) throws SQLDataException;

    /** Marks {@code index} null. */
    abstract void setNull(int index);

    final SQLDataException unreadable(RuntimeException cause) {
        SQLDataException e = new SQLDataException("Column \"" + column + "\" (MySQL type " + sourceType + "): a value"
                + " could not be read (" + cause.getMessage() + "). Cast the column to text in the query, e.g. CAST("
                + column + " AS CHAR), to export it as a string.", "22000");
        e.initCause(cause);
        return e;
    }

    final SQLDataException zeroDate() {
        return new SQLDataException("Column \"" + column + "\" (MySQL type " + sourceType + ") holds a zero date"
                + " ('0000-00-00' or a date with a zero month or day), which is no calendar date. Rivet never writes"
                + " it as some other date: add zeroDateTimeBehavior=CONVERT_TO_NULL to the source URL (or source"
                + " properties) to export zero dates as NULL, or map them in a query, e.g. NULLIF(" + column
                + ", '0000-00-00').", "22007");
    }

    /** Writers of fixed-width vectors: null is just a cleared validity bit. */
    abstract static class Fixed<V extends FieldVector> extends MySqlValueWriter {
        V vector;

        Fixed(String column, String sourceType) {
            super(column, sourceType);
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
            } catch (NumberFormatException | ArithmeticException | ArrayIndexOutOfBoundsException e) {
                throw unreadable(e);
            }
        }

        abstract void write(int index, byte[] b, int off, int len) throws SQLDataException;
    }

    /** {@code tinyint(1)}: 0 or 1; MySQL lets it hold -128..127, and anything else is not a boolean. */
    static final class TinyBooleanWriter extends Fixed<BitVector> {
        TinyBooleanWriter(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) throws SQLDataException {
            if (len == 1 && (b[off] == '0' || b[off] == '1')) {
                vector.setSafe(index, b[off] - '0');
                return;
            }
            throw new SQLDataException("Column \"" + column + "\" (MySQL type " + sourceType + ", exported as a"
                    + " boolean) holds a value other than 0 and 1. Export it as a number with a query, e.g. CAST("
                    + column + " AS SIGNED), or as a boolean with (" + column + " <> 0).", "22003");
        }
    }

    /** {@code bit(1)}: one byte, 0 or 1. */
    static final class BitBooleanWriter extends Fixed<BitVector> {
        BitBooleanWriter(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            if (len != 1 || (b[off] & 0xfe) != 0) {
                throw new NumberFormatException("not a bit(1) value");
            }
            vector.setSafe(index, b[off]);
        }
    }

    static final class Int16Writer extends Fixed<SmallIntVector> {
        Int16Writer(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            long v = MySqlText.parseLong(b, off, len);
            if (v != (short) v) {
                throw new ArithmeticException("out of smallint range");
            }
            vector.setSafe(index, (short) v);
        }
    }

    static final class Int32Writer extends Fixed<IntVector> {
        Int32Writer(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, Math.toIntExact(MySqlText.parseLong(b, off, len)));
        }
    }

    static final class Int64Writer extends Fixed<BigIntVector> {
        Int64Writer(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, MySqlText.parseLong(b, off, len));
        }
    }

    /** {@code bit(2..63)}: big-endian bytes. */
    static final class BitLongWriter extends Fixed<BigIntVector> {
        BitLongWriter(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            if (len > 8) {
                throw new ArithmeticException("more than 64 bits");
            }
            long v = 0;
            for (int i = off; i < off + len; i++) {
                v = v << 8 | (b[i] & 0xff);
            }
            if (v < 0) {
                throw new ArithmeticException("bit value above 63 bits");
            }
            vector.setSafe(index, v);
        }
    }

    /** {@code bit(64)}: an unsigned 64-bit value as DECIMAL(20,0). */
    static final class BitDecimalWriter extends Fixed<DecimalVector> {
        BitDecimalWriter(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            if (len > 8) {
                throw new ArithmeticException("more than 64 bits");
            }
            long v = 0;
            for (int i = off; i < off + len; i++) {
                v = v << 8 | (b[i] & 0xff);
            }
            if (v >= 0) {
                vector.setSafe(index, v);
            } else {
                vector.setSafe(index, new BigDecimal(new BigInteger(Long.toUnsignedString(v))));
            }
        }
    }

    /**
     * FLOAT, read as {@code CAST(col AS DOUBLE)}: the server prints a FLOAT with only six significant digits, which
     * would round, but the double it converts to is printed exactly and narrows back to the stored float.
     */
    static final class Float32Writer extends Fixed<Float4Vector> {
        Float32Writer(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, (float) Double.parseDouble(new String(b, off, len, StandardCharsets.ISO_8859_1)));
        }
    }

    /** DOUBLE: the server prints the shortest text that reads back to the same double. */
    static final class Float64Writer extends Fixed<Float8Vector> {
        Float64Writer(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, Double.parseDouble(new String(b, off, len, StandardCharsets.ISO_8859_1)));
        }
    }

    /** DECIMAL(p,s) up to 38 digits (and {@code bigint unsigned} as DECIMAL(20,0)), exact from the text. */
    static final class DecimalWriter extends Fixed<DecimalVector> {
        private final int precision;
        private final int scale;

        DecimalWriter(String c, String s, int precision, int scale) {
            super(c, s);
            this.precision = precision;
            this.scale = scale;
        }

        @Override
        void write(int index, byte[] b, int off, int len) throws SQLDataException {
            // MySQL prints a DECIMAL with exactly its scale, so most values take the long path.
            if (!DecimalText.set(vector, index, b, off, len, precision, scale)) {
                throw tooWide();
            }
        }

        private SQLDataException tooWide() {
            return new SQLDataException("Column \"" + column + "\" (MySQL type " + sourceType + ") holds a value that"
                    + " does not fit decimal(" + precision + "," + scale + ") without rounding. Cast it in the query"
                    + " to a DECIMAL wide enough, or to CHAR.", "22003");
        }
    }

    static final class DateWriter extends Fixed<DateDayVector> {
        private final boolean zeroAsNull;

        DateWriter(String c, String s, boolean zeroAsNull) {
            super(c, s);
            this.zeroAsNull = zeroAsNull;
        }

        @Override
        void write(int index, byte[] b, int off, int len) throws SQLDataException {
            long day = MySqlText.parseEpochDay(b, off, len);
            if (day == MySqlText.ZERO) {
                if (!zeroAsNull) {
                    throw zeroDate();
                }
                zeroDatesNulled++;
                vector.setNull(index);
                return;
            }
            vector.setSafe(index, Math.toIntExact(day));
        }
    }

    /** DATETIME (a wall clock) and TIMESTAMP (printed in the session's UTC), microseconds. */
    static final class DateTimeWriter extends Fixed<TimeStampVector> {
        private final boolean zeroAsNull;

        DateTimeWriter(String c, String s, boolean zeroAsNull) {
            super(c, s);
            this.zeroAsNull = zeroAsNull;
        }

        @Override
        void write(int index, byte[] b, int off, int len) throws SQLDataException {
            long micros = MySqlText.parseDateTimeMicros(b, off, len);
            if (micros == MySqlText.ZERO) {
                if (!zeroAsNull) {
                    throw zeroDate();
                }
                zeroDatesNulled++;
                vector.setNull(index);
                return;
            }
            vector.setSafe(index, micros);
        }
    }

    /** TIME as signed microseconds (it may be negative or longer than a day). */
    static final class TimeWriter extends Fixed<BigIntVector> {
        TimeWriter(String c, String s) {
            super(c, s);
        }

        @Override
        void write(int index, byte[] b, int off, int len) {
            vector.setSafe(index, MySqlText.parseTimeMicros(b, off, len));
        }
    }

    /** Text: UTF-8 bytes go straight into the vector; another character set is re-encoded. */
    static final class Utf8Writer extends MySqlValueWriter {
        private VarCharVector vector;
        private Charset charset;

        Utf8Writer(String c, String s) {
            super(c, s);
        }

        @Override
        void bind(FieldVector v) {
            vector = (VarCharVector) v;
        }

        @Override
        void charset(Charset charset) {
            this.charset = charset;
        }

        @Override
        void set(int index, byte[] b, int off, int len) {
            if (charset == null) {
                vector.setSafe(index, b, off, len);
            } else {
                byte[] utf8 = new String(b, off, len, charset).getBytes(StandardCharsets.UTF_8);
                vector.setSafe(index, utf8, 0, utf8.length);
            }
        }

        @Override
        void setNull(int index) {
            vector.setNull(index);
        }
    }

    static final class BinaryWriter extends MySqlValueWriter {
        private VarBinaryVector vector;

        BinaryWriter(String c, String s) {
            super(c, s);
        }

        @Override
        void bind(FieldVector v) {
            vector = (VarBinaryVector) v;
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
}
