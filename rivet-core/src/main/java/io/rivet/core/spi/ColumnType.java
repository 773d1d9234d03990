package io.rivet.core.spi;

import io.rivet.Incubating;
import java.util.Objects;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Rivet's logical column types: the one vocabulary shared by dialects (which map source types to it), the pipeline
 * (which allocates Arrow vectors from it) and the format writers (which map it to Parquet or CSV). Immutable.
 */
@Incubating(since = "0.1")
public final class ColumnType implements java.io.Serializable {
    /** Serializable so that a chunk job can carry its columns to other machines (rivet-spark). */
    private static final long serialVersionUID = 1L;


    /** The kinds of logical type. */
    public enum Kind {
        /** true/false; Arrow Bool. */
        BOOLEAN,
        /** 16-bit signed integer; Arrow Int(16). */
        INT16,
        /** 32-bit signed integer; Arrow Int(32). */
        INT32,
        /** 64-bit signed integer; Arrow Int(64). */
        INT64,
        /** IEEE single; Arrow FloatingPoint(SINGLE). */
        FLOAT32,
        /** IEEE double; Arrow FloatingPoint(DOUBLE). */
        FLOAT64,
        /** Exact decimal with precision 1..38 and scale 0..precision; Arrow Decimal128. */
        DECIMAL,
        /** UTF-8 text; Arrow Utf8. */
        STRING,
        /** JSON document as UTF-8 text; Arrow Utf8, Parquet JSON. */
        JSON,
        /** UUID as 16 bytes; Arrow FixedSizeBinary(16), Parquet UUID. */
        UUID,
        /** Bytes; Arrow Binary. */
        BINARY,
        /** Calendar date; Arrow Date(DAY). */
        DATE,
        /** Time of day in microseconds; Arrow Time(MICROSECOND, 64). */
        TIME_MICROS,
        /** Wall-clock timestamp without zone, microseconds; Arrow Timestamp(MICROSECOND, null). */
        TIMESTAMP_MICROS,
        /** Instant in UTC, microseconds; Arrow Timestamp(MICROSECOND, "UTC"). */
        TIMESTAMP_MICROS_UTC,
        /** One-dimensional list of an element type; Arrow List. */
        LIST
    }

    /** Boolean. */
    public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0, null);
    /** 16-bit integer. */
    public static final ColumnType INT16 = new ColumnType(Kind.INT16, 0, 0, null);
    /** 32-bit integer. */
    public static final ColumnType INT32 = new ColumnType(Kind.INT32, 0, 0, null);
    /** 64-bit integer. */
    public static final ColumnType INT64 = new ColumnType(Kind.INT64, 0, 0, null);
    /** Single-precision float. */
    public static final ColumnType FLOAT32 = new ColumnType(Kind.FLOAT32, 0, 0, null);
    /** Double-precision float. */
    public static final ColumnType FLOAT64 = new ColumnType(Kind.FLOAT64, 0, 0, null);
    /** Text. */
    public static final ColumnType STRING = new ColumnType(Kind.STRING, 0, 0, null);
    /** JSON text. */
    public static final ColumnType JSON = new ColumnType(Kind.JSON, 0, 0, null);
    /** UUID. */
    public static final ColumnType UUID = new ColumnType(Kind.UUID, 0, 0, null);
    /** Bytes. */
    public static final ColumnType BINARY = new ColumnType(Kind.BINARY, 0, 0, null);
    /** Date. */
    public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0, null);
    /** Time of day, microseconds. */
    public static final ColumnType TIME_MICROS = new ColumnType(Kind.TIME_MICROS, 0, 0, null);
    /** Timestamp without zone, microseconds. */
    public static final ColumnType TIMESTAMP_MICROS = new ColumnType(Kind.TIMESTAMP_MICROS, 0, 0, null);
    /** UTC instant, microseconds. */
    public static final ColumnType TIMESTAMP_MICROS_UTC = new ColumnType(Kind.TIMESTAMP_MICROS_UTC, 0, 0, null);

    /** The largest decimal precision held as a DECIMAL (wider numbers are exported as exact text). */
    public static final int MAX_DECIMAL_PRECISION = 38;

    private final Kind kind;
    private final int precision;
    private final int scale;
    private final ColumnType element;

    private ColumnType(Kind kind, int precision, int scale, ColumnType element) {
        this.kind = kind;
        this.precision = precision;
        this.scale = scale;
        this.element = element;
    }

    /**
     * A decimal of {@code precision} digits, {@code scale} of them after the point.
     *
     * @throws IllegalArgumentException unless {@code 1 <= precision <= 38} and {@code 0 <= scale <= precision}
     */
    public static ColumnType decimal(int precision, int scale) {
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
            throw new IllegalArgumentException("decimal(" + precision + "," + scale + ") is out of range");
        }
        return new ColumnType(Kind.DECIMAL, precision, scale, null);
    }

    /** A one-dimensional list of {@code element} (which must not itself be a list). */
    public static ColumnType list(ColumnType element) {
        Objects.requireNonNull(element, "element");
        if (element.kind == Kind.LIST) {
            throw new IllegalArgumentException("nested lists are not supported");
        }
        return new ColumnType(Kind.LIST, 0, 0, element);
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** The decimal precision (0 for other kinds). */
    public int precision() {
        return precision;
    }

    /** The decimal scale (0 for other kinds). */
    public int scale() {
        return scale;
    }

    /** The element type of a list, or {@code null}. */
    public ColumnType element() {
        return element;
    }

    /** The Arrow type that holds values of this type (for a list: the list type; its child comes from {@link #element()}). */
    public ArrowType arrowType() {
        return switch (kind) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case INT16 -> new ArrowType.Int(16, true);
            case INT32 -> new ArrowType.Int(32, true);
            case INT64 -> new ArrowType.Int(64, true);
            case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DECIMAL -> new ArrowType.Decimal(precision, scale, 128);
            case STRING, JSON -> ArrowType.Utf8.INSTANCE;
            case UUID -> new ArrowType.FixedSizeBinary(16);
            case BINARY -> ArrowType.Binary.INSTANCE;
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIME_MICROS -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case TIMESTAMP_MICROS -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case TIMESTAMP_MICROS_UTC -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case LIST -> ArrowType.List.INSTANCE;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnType t && t.kind == kind && t.precision == precision && t.scale == scale
                && Objects.equals(t.element, element);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, precision, scale, element);
    }

    /** Renders the type as {@code int64}, {@code decimal(12,2)}, {@code list<string>} ...; used in the manifest. */
    @Override
    public String toString() {
        return switch (kind) {
            case DECIMAL -> "decimal(" + precision + "," + scale + ")";
            case LIST -> "list<" + element + ">";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
