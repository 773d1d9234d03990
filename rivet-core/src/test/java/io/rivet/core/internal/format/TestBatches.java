package io.rivet.core.internal.format;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
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
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Test data for the format writers: one column of every Rivet type with edge values, and a way to load rows of plain
 * Java values into Arrow vectors. Values: Boolean, Short, Integer, Long, Float, Double, BigDecimal, String (STRING and
 * JSON), UUID, byte[], LocalDate, LocalTime, LocalDateTime (TIMESTAMP_MICROS), java.time.Instant
 * (TIMESTAMP_MICROS_UTC), List (LIST); {@code null} for NULL.
 */
public final class TestBatches {

    private TestBatches() {
    }

    /** One column of every kind (and the three decimal layouts), in a fixed order. */
    public static List<Column> allColumns() {
        return List.of(
                new Column("b", ColumnType.BOOLEAN, "bool"),
                new Column("i16", ColumnType.INT16, "int2"),
                new Column("i32", ColumnType.INT32, "int4"),
                new Column("i64", ColumnType.INT64, "int8"),
                new Column("f32", ColumnType.FLOAT32, "float4"),
                new Column("f64", ColumnType.FLOAT64, "float8"),
                new Column("d9", ColumnType.decimal(9, 2), "numeric"),
                new Column("d18", ColumnType.decimal(18, 4), "numeric"),
                new Column("d20", ColumnType.decimal(20, 0), "numeric"),
                new Column("d38", ColumnType.decimal(38, 10), "numeric"),
                new Column("s", ColumnType.STRING, "text"),
                new Column("j", ColumnType.JSON, "jsonb"),
                new Column("u", ColumnType.UUID, "uuid"),
                new Column("bin", ColumnType.BINARY, "bytea"),
                new Column("dt", ColumnType.DATE, "date"),
                new Column("t", ColumnType.TIME_MICROS, "time"),
                new Column("ts", ColumnType.TIMESTAMP_MICROS, "timestamp"),
                new Column("tstz", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"),
                new Column("li", ColumnType.list(ColumnType.INT32), "_int4"),
                new Column("ls", ColumnType.list(ColumnType.STRING), "_text"));
    }

    /** Edge values per column of {@link #allColumns()}; shorter lists are padded with NULL up to {@link #ROWS}. */
    private static List<List<Object>> columnValues() {
        List<List<Object>> v = new ArrayList<>();
        v.add(Arrays.asList(true, false, null));
        v.add(Arrays.asList(Short.MIN_VALUE, Short.MAX_VALUE, (short) 0, (short) -1, null));
        v.add(Arrays.asList(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, null));
        v.add(Arrays.asList(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, null));
        v.add(Arrays.asList(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE,
                Float.MAX_VALUE, 0.1f, null, 16777217f, -1.5e-30f));
        v.add(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE,
                Double.MAX_VALUE, 0.1, null, 2.0e-3, 1.0e23, -123456789.123456789, 0.30000000000000004));
        v.add(Arrays.asList(new BigDecimal("9999999.99"), new BigDecimal("-9999999.99"), new BigDecimal("0.01"),
                new BigDecimal("0.00"), new BigDecimal("-0.05"), null));
        v.add(Arrays.asList(new BigDecimal("99999999999999.9999"), new BigDecimal("-99999999999999.9999"),
                new BigDecimal("-0.0001"), null, new BigDecimal("123.4500")));
        v.add(Arrays.asList(new BigDecimal("18446744073709551615"), new BigDecimal("-99999999999999999999"),
                new BigDecimal("-9223372036854775808"), new BigDecimal("9223372036854775807"), null,
                new BigDecimal("0")));
        v.add(Arrays.asList(new BigDecimal("9999999999999999999999999999.9999999999"),
                new BigDecimal("-9999999999999999999999999999.9999999999"), new BigDecimal("0.0000000001"),
                new BigDecimal("-1.0000000000"), null, new BigDecimal("-0.0000000001"),
                new BigDecimal("12345678901234567890.1234567890")));
        v.add(Arrays.asList("", "plain", "e\u0301 combining, caf\u00e9", "emoji \uD83D\uDE00\uD83D\uDC4D\uD83C\uDFFD",
                "comma, \"quote\"\nnew line\r\nCRLF", " leading and trailing ", null, "#hash", "\\N", "tab\there",
                "\u0000nul"));
        v.add(Arrays.asList("{\"a\":\"\\u00e9\\n\"}", "[1,2,null]", null, "{\"k\":\"\u00fc\uD83D\uDE00\"}", "\"s\"",
                "{}"));
        v.add(Arrays.asList(UUID.fromString("00000000-0000-0000-0000-000000000000"),
                UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"),
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), null,
                UUID.fromString("f47ac10b-58cc-4372-a567-0e02b2c3d479")));
        v.add(Arrays.asList(new byte[0], new byte[] {0}, new byte[] {0, (byte) 0xff, 0x10, 0x7f, (byte) 0x80}, null,
                "abc".getBytes(StandardCharsets.UTF_8)));
        v.add(Arrays.asList(LocalDate.of(1, 1, 1), LocalDate.of(1969, 12, 31), LocalDate.of(9999, 12, 31),
                LocalDate.of(1970, 1, 1), null, LocalDate.of(2000, 2, 29), LocalDate.of(1900, 3, 1)));
        v.add(Arrays.asList(LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_000), LocalTime.of(12, 34, 56, 1000),
                null));
        v.add(Arrays.asList(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), LocalDateTime.of(1, 1, 1, 0, 0),
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), null, LocalDateTime.of(1970, 1, 1, 0, 0),
                LocalDateTime.of(1900, 1, 1, 12, 0, 0, 1000)));
        v.add(Arrays.asList(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000).toInstant(ZoneOffset.UTC),
                LocalDateTime.of(1, 1, 1, 0, 0).toInstant(ZoneOffset.UTC),
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000).toInstant(ZoneOffset.UTC), null,
                LocalDateTime.of(2024, 2, 29, 13, 14, 15, 16_000).toInstant(ZoneOffset.UTC)));
        v.add(Arrays.asList(Arrays.asList(1, null, 3), List.of(), null, List.of(Integer.MIN_VALUE),
                Arrays.asList((Object) null), List.of(7, 8)));
        v.add(Arrays.asList(Arrays.asList("a", null, "", "\u00e9\uD83D\uDE00,\"x\"\n"), List.of(), null,
                Arrays.asList((Object) null), List.of("\\N")));
        return v;
    }

    /** Rows in {@link #allRows()}: the longest column list, rounded up. */
    public static final int ROWS = 12;

    /** The edge-value rows of {@link #allColumns()}, {@link #ROWS} of them. */
    public static List<Object[]> allRows() {
        List<List<Object>> cols = columnValues();
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            Object[] row = new Object[cols.size()];
            for (int c = 0; c < cols.size(); c++) {
                List<Object> values = cols.get(c);
                row[c] = r < values.size() ? values.get(r) : null;
            }
            rows.add(row);
        }
        return rows;
    }

    /** A new root with the Arrow schema of {@code columns}, holding {@code rows}. The caller closes it. */
    public static Batch root(BufferAllocator allocator, List<Column> columns, List<Object[]> rows) {
        Batch root = Batch.create(columns, allocator);
        try {
            fill(root, columns, rows);
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
        return root;
    }

    /** Replaces the contents of {@code root} with {@code rows}. */
    public static void fill(Batch root, List<Column> columns, List<Object[]> rows) {
        root.allocateNew();
        for (int c = 0; c < columns.size(); c++) {
            FieldVector v = root.getVector(c);
            for (int r = 0; r < rows.size(); r++) {
                set(v, columns.get(c).type(), r, rows.get(r)[c]);
            }
            v.setValueCount(rows.size());
        }
        root.setRowCount(rows.size());
    }

    private static void set(FieldVector v, ColumnType type, int i, Object value) {
        if (value == null) {
            if (v instanceof ListVector l) {
                l.setNull(i);
            } else {
                setNull(v, i);
            }
            return;
        }
        switch (type.kind()) {
            case BOOLEAN -> ((BitVector) v).setSafe(i, (Boolean) value ? 1 : 0);
            case INT16 -> ((SmallIntVector) v).setSafe(i, (Short) value);
            case INT32 -> ((IntVector) v).setSafe(i, (Integer) value);
            case INT64 -> ((BigIntVector) v).setSafe(i, (Long) value);
            case FLOAT32 -> ((Float4Vector) v).setSafe(i, (Float) value);
            case FLOAT64 -> ((Float8Vector) v).setSafe(i, (Double) value);
            case DECIMAL -> ((DecimalVector) v).setSafe(i, ((BigDecimal) value).setScale(type.scale()));
            case STRING, JSON -> ((VarCharVector) v).setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
            case UUID -> ((FixedSizeBinaryVector) v).setSafe(i, uuidBytes((UUID) value));
            case BINARY -> ((VarBinaryVector) v).setSafe(i, (byte[]) value);
            case DATE -> ((DateDayVector) v).setSafe(i, (int) ((LocalDate) value).toEpochDay());
            case TIME_MICROS -> ((TimeMicroVector) v).setSafe(i, ((LocalTime) value).toNanoOfDay() / 1000);
            case TIMESTAMP_MICROS -> ((TimeStampMicroVector) v).setSafe(i,
                    micros(((LocalDateTime) value).toInstant(ZoneOffset.UTC)));
            case TIMESTAMP_MICROS_UTC -> ((TimeStampMicroTZVector) v).setSafe(i, micros((java.time.Instant) value));
            case LIST -> {
                ListVector l = (ListVector) v;
                List<?> elements = (List<?>) value;
                int offset = l.startNewValue(i);
                for (int k = 0; k < elements.size(); k++) {
                    set(l.getDataVector(), type.element(), offset + k, elements.get(k));
                }
                l.endValue(i, elements.size());
            }
        }
    }

    private static void setNull(FieldVector v, int i) {
        // Every fixed- and variable-width vector used here has setNull(int); reach it through the common bases.
        if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector f) {
            f.setNull(i);
        } else if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector w) {
            w.setNull(i);
        } else {
            throw new IllegalArgumentException("cannot set NULL in " + v.getClass().getSimpleName());
        }
    }

    /** Microseconds since the epoch. */
    public static long micros(java.time.Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }

    /** The 16 big-endian bytes of {@code uuid}. */
    public static byte[] uuidBytes(UUID uuid) {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
                .array();
    }
}
