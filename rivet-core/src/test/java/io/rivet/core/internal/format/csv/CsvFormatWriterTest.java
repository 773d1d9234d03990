package io.rivet.core.internal.format.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.CsvFormat;
import io.rivet.Format;
import io.rivet.core.internal.format.DuckDbReader;
import io.rivet.core.internal.format.TestBatches;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.FormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFormatWriterTest {

    /** The quoting rules written out in CsvFormatWriter give Commons CSV's bytes, for both modes and any delimiter. */
    @Test
    void appendCell_quotesAsCommonsCsv() throws IOException {
        String alphabet = "ab\"\"',;\t|\n\r #!$\u0000\u00e9\ud83d\ude00-0";
        SplittableRandom random = new SplittableRandom(3);
        for (char delimiter : new char[] {',', ';', '\t', '|'}) {
            CSVFormat base = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setRecordSeparator('\n')
                    .setQuote('"').setEscape(null).setNullString(null).get();
            CSVFormat minimal = base.builder().setQuoteMode(QuoteMode.MINIMAL).get();
            CSVFormat all = base.builder().setQuoteMode(QuoteMode.ALL).get();
            for (int i = 0; i < 20_000; i++) {
                StringBuilder value = new StringBuilder();
                int length = random.nextInt(6);
                for (int k = 0; k < length; k++) {
                    value.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                boolean force = random.nextInt(4) == 0;
                StringBuilder expected = new StringBuilder();
                (force ? all : minimal).print(value, expected, true);
                StringBuilder actual = new StringBuilder();
                CsvFormatWriter.appendCell(actual, value, delimiter, force || value.length() == 0);
                assertEquals(expected.toString(), actual.toString(),
                        "value [" + value + "] delimiter [" + delimiter + "] forced " + force);
            }
        }
    }

    @TempDir
    Path dir;

    /** Writes {@code batches} to bytes; also checks that the estimate is the exact size and the stream stays open. */
    private static byte[] write(CsvFormat format, List<Column> columns, List<List<Object[]>> batches)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean[] closed = {false};
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        try (BufferAllocator allocator = new RootAllocator();
                FormatWriter writer = new CsvFormatProvider().create(format, columns, out)) {
            for (List<Object[]> rows : batches) {
                try (Batch root = TestBatches.root(allocator, columns, rows)) {
                    writer.write(root);
                }
            }
            writer.finish();
            assertEquals(bytes.size(), writer.estimatedSize());
        }
        assertTrue(!closed[0], "the writer must not close the engine's stream");
        return bytes.toByteArray();
    }

    /** DuckDB's type for reading a column of {@code type} from our CSV. */
    private static String duckType(ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> "BOOLEAN";
            case INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case DECIMAL -> "DECIMAL(" + type.precision() + "," + type.scale() + ")";
            case UUID -> "UUID";
            case DATE -> "DATE";
            case TIME_MICROS -> "TIME";
            case TIMESTAMP_MICROS -> "TIMESTAMP";
            case TIMESTAMP_MICROS_UTC -> "TIMESTAMPTZ";
            case STRING, JSON, BINARY, LIST -> "VARCHAR";
        };
    }

    /**
     * A DuckDB relation over our CSV with every column converted to the type the Parquet reader would give: hex to
     * BLOB, JSON list text to a LIST. NULL is an unquoted {@code nullString}; {@code ""} is the empty string.
     */
    private static String relation(Path file, List<Column> columns, char delimiter, String nullString) {
        StringJoiner types = new StringJoiner(", ", "{", "}");
        StringJoiner replace = new StringJoiner(", ");
        for (Column c : columns) {
            types.add("'" + c.name() + "': '" + duckType(c.type()) + "'");
            String q = '"' + c.name() + '"';
            if (c.type().kind() == ColumnType.Kind.BINARY) {
                replace.add("unhex(" + q + ") AS " + q);
            } else if (c.type().kind() == ColumnType.Kind.LIST) {
                replace.add("from_json(" + q + ", '[\"" + duckType(c.type().element()) + "\"]') AS " + q);
            }
        }
        String read = "read_csv(" + DuckDbReader.literal(file) + ", header=true, delim='" + delimiter
                + "', quote='\"', escape='\"', nullstr='" + nullString.replace("'", "''")
                + "', allow_quoted_nulls=false, columns=" + types + ")";
        return "(SELECT * " + (replace.length() == 0 ? "" : "REPLACE (" + replace + ") ") + "FROM " + read + ")";
    }

    private void assertReadsBack(List<Column> columns, List<Object[]> rows, CsvFormat format) throws Exception {
        Path file = dir.resolve("data.csv");
        Files.write(file, write(format, columns, List.of(rows.subList(0, rows.size() / 2),
                rows.subList(rows.size() / 2, rows.size()))));
        try (DuckDbReader duck = new DuckDbReader()) {
            List<List<Object>> actual = duck.read(columns,
                    relation(file, columns, format.delimiter(), format.nullString()), (q, t) -> q);
            List<List<Object>> expected = DuckDbReader.canonical(columns, rows);
            assertEquals(expected.size(), actual.size());
            for (int r = 0; r < expected.size(); r++) {
                for (int c = 0; c < columns.size(); c++) {
                    assertEquals(expected.get(r).get(c), actual.get(r).get(c),
                            "row " + r + " column " + columns.get(c).name());
                }
            }
        }
    }

    @Test
    void write_everyTypeAndEdgeValue_readsBackInDuckDb() throws Exception {
        assertReadsBack(TestBatches.allColumns(), TestBatches.allRows(), Format.csv());
    }

    @Test
    void write_customNullStringAndDelimiter_keepsNullAndLookalikesApart() throws Exception {
        assertReadsBack(TestBatches.allColumns(), TestBatches.allRows(),
                Format.csv().withNullString("\\N").withDelimiter(';'));
        assertReadsBack(TestBatches.allColumns(), TestBatches.allRows(), Format.csv().withDelimiter('\t'));
    }

    @Test
    void write_sampleRows_isExactlyTheDocumentedText() throws Exception {
        List<Column> columns = List.of(new Column("s", ColumnType.STRING, "text"),
                new Column("n", ColumnType.decimal(5, 2), "numeric"),
                new Column("x", ColumnType.FLOAT64, "float8"),
                new Column("ts", ColumnType.TIMESTAMP_MICROS, "timestamp"),
                new Column("tz", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"),
                new Column("t", ColumnType.TIME_MICROS, "time"),
                new Column("b", ColumnType.BINARY, "bytea"),
                new Column("u", ColumnType.UUID, "uuid"),
                new Column("l", ColumnType.list(ColumnType.STRING), "_text"),
                new Column("f", ColumnType.list(ColumnType.FLOAT64), "_float8"),
                new Column("ok", ColumnType.BOOLEAN, "bool"));
        LocalDateTime ts = LocalDateTime.of(1969, 12, 31, 23, 59, 59, 5000);
        List<Object[]> rows = List.of(
                new Object[] {"", new BigDecimal("-0.05"), -0.0, ts, ts.toInstant(ZoneOffset.UTC),
                        java.time.LocalTime.of(1, 2, 3, 4000), new byte[] {0, (byte) 0xab},
                        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                        Arrays.asList("a\"b", null, "", "\u00e9\n"), Arrays.asList(1.5, Double.NaN, null), true},
                new Object[] {null, null, null, null, null, null, null, null, null, null, null},
                new Object[] {"a,b", new BigDecimal("123.40"), Double.NEGATIVE_INFINITY, null, null, null,
                        new byte[0], null, List.of(), List.of(), false});
        String text = new String(write(Format.csv(), columns, List.of(rows)), StandardCharsets.UTF_8);
        assertEquals("s,n,x,ts,tz,t,b,u,l,f,ok\n"
                + "\"\",-0.05,-0.0,1969-12-31T23:59:59.000005,1969-12-31T23:59:59.000005Z,01:02:03.000004,00ab,"
                + "123e4567-e89b-12d3-a456-426614174000,\"[\"\"a\\\"\"b\"\",null,\"\"\"\",\"\"\u00e9\\n\"\"]\","
                + "\"[1.5,\"\"NaN\"\",null]\",true\n"
                + ",,,,,,,,,,\n"
                + "\"a,b\",123.40,-Infinity,,,,\"\",,[],[],false\n", text);
    }

    @Test
    void write_singleColumnNull_isAnEmptyLineThatDuckDbReadsAsNull() throws Exception {
        List<Column> columns = List.of(new Column("s", ColumnType.STRING, "text"));
        List<Object[]> rows = List.of(new Object[] {"a"}, new Object[] {null}, new Object[] {""});
        byte[] bytes = write(Format.csv(), columns, List.of(rows));
        assertEquals("s\na\n\n\"\"\n", new String(bytes, StandardCharsets.UTF_8));
        assertReadsBack(columns, rows, Format.csv());
    }

    @Test
    void write_randomDoublesAndFloats_roundTripBitForBit() throws Exception {
        List<Column> columns = List.of(new Column("d", ColumnType.FLOAT64, "float8"),
                new Column("f", ColumnType.FLOAT32, "float4"));
        SplittableRandom random = new SplittableRandom(42);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            float f = Float.intBitsToFloat(random.nextInt());
            rows.add(new Object[] {Double.isNaN(d) ? 0.5 : d, Float.isNaN(f) ? 0.5f : f});
        }
        assertReadsBack(columns, rows, Format.csv());
    }

    @Test
    void write_withoutHeader_writesOnlyRows() throws Exception {
        List<Column> columns = List.of(new Column("a", ColumnType.INT32, "int4"),
                new Column("b", ColumnType.STRING, "text"));
        byte[] bytes = write(Format.csv().withHeader(false).withDelimiter('|'), columns,
                List.of(List.<Object[]>of(new Object[] {1, "x|y"}, new Object[] {null, "\\N"})));
        assertEquals("1|\"x|y\"\n|\\N\n", new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void estimatedSize_countsBufferedBytesBeforeAnyReachTheStream() throws Exception {
        List<Column> columns = List.of(new Column("id", ColumnType.INT64, "int8"),
                new Column("name", ColumnType.STRING, "text"));
        long[] written = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                written[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written[0] += len;
            }
        };
        try (BufferAllocator allocator = new RootAllocator();
                FormatWriter writer = new CsvFormatProvider().create(Format.csv(), columns, counter)) {
            long header = writer.estimatedSize();
            assertEquals("id,name\n".length(), header);
            try (Batch root = TestBatches.root(allocator, columns,
                    List.<Object[]>of(new Object[] {1L, "caf\u00e9"}, new Object[] {2L, null}))) {
                writer.write(root);
            }
            assertEquals(0, written[0], "small output stays buffered");
            assertEquals(header + "1,caf\u00e9\n2,\n".getBytes(StandardCharsets.UTF_8).length,
                    writer.estimatedSize());
            List<Object[]> many = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                many.add(new Object[] {(long) i, "name number " + i});
            }
            try (Batch root = TestBatches.root(allocator, columns, many)) {
                long before = writer.estimatedSize();
                writer.write(root);
                assertTrue(written[0] > 0, "a full buffer goes to the stream");
                assertTrue(writer.estimatedSize() > before + 20_000 * 15L);
            }
            writer.finish();
            assertEquals(written[0], writer.estimatedSize());
        }
    }

    @Test
    void create_nullStringWithDelimiter_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CsvFormatProvider().create(Format.csv().withNullString("a,b"),
                        List.of(new Column("a", ColumnType.INT32, "int4")), OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("null string"), e.getMessage());
    }
}
