package io.rivet.core.internal.format.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Compression;
import io.rivet.DataSize;
import io.rivet.Format;
import io.rivet.ParquetFormat;
import io.rivet.core.internal.format.DuckDbReader;
import io.rivet.core.internal.format.TestBatches;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.FormatWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParquetFormatWriterTest {

    @TempDir
    Path dir;

    private static final String MICROS = "unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))";
    private static final DuckDbReader.ListSource NATIVE_LIST = (quoted, type) -> quoted;

    /** Writes {@code batches} of the given rows to {@code file} and returns the writer's estimate after finish. */
    private static long write(Path file, ParquetFormat format, List<Column> columns, List<List<Object[]>> batches)
            throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                CloseTracking out = new CloseTracking(Files.newOutputStream(file));
                FormatWriter writer = new ParquetFormatProvider().create(format, columns, out)) {
            for (List<Object[]> rows : batches) {
                try (Batch root = TestBatches.root(allocator, columns, rows)) {
                    writer.write(root);
                }
            }
            writer.finish();
            assertFalse(out.closed, "the writer must not close the engine's stream");
            return writer.estimatedSize();
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void write_everyTypeAndEdgeValue_readsBackInDuckDb(Compression compression) throws Exception {
        List<Column> columns = TestBatches.allColumns();
        List<Object[]> rows = TestBatches.allRows();
        Path file = dir.resolve("all.parquet");
        // Two batches so that the writer rebinds vectors between them.
        long estimate = write(file, Format.parquet().withCompression(compression), columns,
                List.of(rows.subList(0, 5), rows.subList(5, rows.size())));

        assertEquals(Files.size(file), estimate, "after finish the estimate is the file size");
        try (DuckDbReader duck = new DuckDbReader()) {
            String from = "read_parquet(" + DuckDbReader.literal(file) + ")";
            List<List<Object>> actual = duck.read(columns, from, NATIVE_LIST);
            List<List<Object>> expected = DuckDbReader.canonical(columns, rows);
            assertEquals(expected.size(), actual.size());
            for (int r = 0; r < expected.size(); r++) {
                for (int c = 0; c < columns.size(); c++) {
                    assertEquals(expected.get(r).get(c), actual.get(r).get(c),
                            "row " + r + " column " + columns.get(c).name());
                }
            }
            String codec = ParquetFormatWriter.codec(compression).name();
            assertEquals(List.of(codec), duck.strings("SELECT DISTINCT compression FROM parquet_metadata("
                    + DuckDbReader.literal(file) + ")"));
        }
    }

    @Test
    void compressionLevel_changesTheBytes_andEveryLevelReadsBack() throws Exception {
        List<Column> columns = TestBatches.allColumns();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.addAll(TestBatches.allRows());
        }
        Map<String, Long> sizes = new HashMap<>();
        for (ParquetFormat format : List.of(Format.parquet(), Format.parquet().withCompressionLevel(1),
                Format.parquet().withCompressionLevel(3), Format.parquet().withCompressionLevel(19),
                Format.parquet().withCompression(Compression.GZIP).withCompressionLevel(1),
                Format.parquet().withCompression(Compression.GZIP).withCompressionLevel(9))) {
            Path file = dir.resolve("level-" + sizes.size() + ".parquet");
            write(file, format, columns, List.of(rows));
            sizes.put(format.toString(), Files.size(file));
            try (DuckDbReader duck = new DuckDbReader()) {
                assertEquals(List.of(String.valueOf(rows.size())),
                        duck.strings("SELECT count(*) FROM read_parquet(" + DuckDbReader.literal(file) + ")"));
            }
        }
        String zstd = Format.parquet().toString();
        assertEquals(sizes.get(zstd), sizes.get(Format.parquet().withCompressionLevel(3).toString()),
                "no level means zstd's default, 3: " + sizes);
        assertTrue(sizes.get(Format.parquet().withCompressionLevel(19).toString())
                < sizes.get(Format.parquet().withCompressionLevel(1).toString()), "level 19 is smaller: " + sizes);
        ParquetFormat gzip = Format.parquet().withCompression(Compression.GZIP);
        assertTrue(sizes.get(gzip.withCompressionLevel(9).toString()) < sizes.get(gzip.withCompressionLevel(1).toString()),
                "gzip 9 is smaller than gzip 1: " + sizes);
    }

    @Test
    void compressionLevel_isCheckedAgainstTheCodec() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Format.parquet().withCompressionLevel(23));
        assertEquals("compression level 23 is out of range for zstd; use 1 (fastest) to 22 (smallest), or leave it"
                + " unset for 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Format.parquet().withCompression(Compression.NONE).withCompressionLevel(1));
        assertEquals("compression none takes no level; remove the level, or choose zstd or gzip", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Format.parquet().withCompressionLevel(15).withCompression(Compression.GZIP));
        assertEquals("compression level 15 is out of range for gzip; use 1 (fastest) to 9 (smallest), or leave it"
                + " unset for 6", e.getMessage());
        assertEquals(Format.parquet().withCompressionLevel(5), Format.parquet().withCompressionLevel(5));
        assertFalse(Format.parquet().withCompressionLevel(5).equals(Format.parquet()));
    }

    @Test
    void write_schema_hasTheDocumentedLogicalTypes() throws Exception {
        List<Column> columns = TestBatches.allColumns();
        Path file = dir.resolve("schema.parquet");
        write(file, Format.parquet(), columns, List.of(TestBatches.allRows()));

        Map<String, String> schema = new HashMap<>();
        try (DuckDbReader duck = new DuckDbReader()) {
            for (String line : duck.strings("SELECT concat_ws('|', name, coalesce(type, ''),"
                    + " coalesce(CAST(type_length AS VARCHAR), ''), coalesce(repetition_type, ''),"
                    + " coalesce(CAST(logical_type AS VARCHAR), '')) FROM parquet_schema(" + DuckDbReader.literal(file)
                    + ")")) {
                schema.put(line.substring(0, line.indexOf('|')), line);
            }
            assertEquals("b|BOOLEAN||OPTIONAL|", schema.get("b"));
            // DuckDB prints the 16 of IntType(bitWidth=16) as a raw byte, so check the converted type too.
            assertTrue(schema.get("i16").startsWith("i16|INT32||OPTIONAL|IntType(bitWidth="), schema.get("i16"));
            assertTrue(schema.get("i16").endsWith("isSigned=1)"), schema.get("i16"));
            assertEquals(List.of("INT_16"), duck.strings("SELECT converted_type FROM parquet_schema("
                    + DuckDbReader.literal(file) + ") WHERE name = 'i16'"));
            assertEquals("i32|INT32||OPTIONAL|", schema.get("i32"));
            assertEquals("i64|INT64||OPTIONAL|", schema.get("i64"));
            assertEquals("f32|FLOAT||OPTIONAL|", schema.get("f32"));
            assertEquals("f64|DOUBLE||OPTIONAL|", schema.get("f64"));
            assertEquals("d9|INT32||OPTIONAL|DecimalType(scale=2, precision=9)", schema.get("d9"));
            assertEquals("d18|INT64||OPTIONAL|DecimalType(scale=4, precision=18)", schema.get("d18"));
            assertEquals("d20|FIXED_LEN_BYTE_ARRAY|9|OPTIONAL|DecimalType(scale=0, precision=20)", schema.get("d20"));
            assertEquals("d38|FIXED_LEN_BYTE_ARRAY|16|OPTIONAL|DecimalType(scale=10, precision=38)",
                    schema.get("d38"));
            assertEquals("s|BYTE_ARRAY||OPTIONAL|StringType()", schema.get("s"));
            assertEquals("j|BYTE_ARRAY||OPTIONAL|JsonType()", schema.get("j"));
            assertEquals("u|FIXED_LEN_BYTE_ARRAY|16|OPTIONAL|UUIDType()", schema.get("u"));
            assertEquals("bin|BYTE_ARRAY||OPTIONAL|", schema.get("bin"));
            assertEquals("dt|INT32||OPTIONAL|DateType()", schema.get("dt"));
            assertEquals("t|INT64||OPTIONAL|TimeType(isAdjustedToUTC=0, " + MICROS,
                    schema.get("t"));
            assertEquals("ts|INT64||OPTIONAL|TimestampType(isAdjustedToUTC=0, " + MICROS,
                    schema.get("ts"));
            assertEquals("tstz|INT64||OPTIONAL|TimestampType(isAdjustedToUTC=1, " + MICROS,
                    schema.get("tstz"));
            assertEquals("li|||OPTIONAL|ListType()", schema.get("li"));
            assertEquals("list|||REPEATED|", schema.get("list"));
            assertEquals("element|BYTE_ARRAY||OPTIONAL|StringType()", schema.get("element"), "ls is the last list");
            assertEquals(List.of("DuckDB type of i16: SMALLINT", "DuckDB type of li: INTEGER[]",
                            "DuckDB type of ls: VARCHAR[]",
                            "DuckDB type of tstz: TIMESTAMP WITH TIME ZONE", "DuckDB type of u: UUID"),
                    duck.strings("SELECT 'DuckDB type of ' || column_name || ': ' || column_type FROM (DESCRIBE SELECT"
                            + " * FROM read_parquet(" + DuckDbReader.literal(file) + ")) WHERE column_name IN"
                            + " ('i16', 'li', 'ls', 'tstz', 'u') ORDER BY column_name"));
            List<String> meta = duck.strings("SELECT decode(value) FROM parquet_kv_metadata("
                    + DuckDbReader.literal(file) + ") WHERE decode(key) = 'rivet.schema'");
            assertEquals(1, meta.size());
            assertTrue(meta.get(0).startsWith("[{\"name\":\"b\",\"type\":\"boolean\",\"source_type\":\"bool\"},"),
                    meta.get(0));
        }
    }

    @Test
    void write_smallRowGroupSize_writesSeveralRowGroupsWithAllRows() throws Exception {
        List<Column> columns = List.of(new Column("id", ColumnType.INT64, "int8"),
                new Column("text", ColumnType.STRING, "text"), new Column("x", ColumnType.FLOAT64, "float8"));
        List<List<Object[]>> batches = new ArrayList<>();
        int rowsPerBatch = 10_000;
        int batchCount = 30;
        for (int b = 0; b < batchCount; b++) {
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < rowsPerBatch; i++) {
                long id = (long) b * rowsPerBatch + i;
                rows.add(new Object[] {id, i % 97 == 0 ? null : "row-" + id + "-" + Long.toHexString(id * 31),
                        id * 0.5});
            }
            batches.add(rows);
        }
        Path file = dir.resolve("groups.parquet");
        write(file, Format.parquet().withRowGroupSize(DataSize.ofMebibytes(1)), columns, batches);

        long total = (long) rowsPerBatch * batchCount;
        try (DuckDbReader duck = new DuckDbReader()) {
            String f = DuckDbReader.literal(file);
            assertTrue(duck.scalar("SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + f + ")") > 1,
                    "a 1 MiB row group size must give several row groups");
            assertEquals(total, duck.scalar("SELECT count(*) FROM read_parquet(" + f + ")"));
            assertEquals(total * (total - 1) / 2, duck.scalar("SELECT sum(id) FROM read_parquet(" + f + ")"));
            assertEquals(0, duck.scalar("SELECT count(*) FROM read_parquet(" + f + ") WHERE x <> id * 0.5"));
            long nulls = 0;
            for (long id = 0; id < total; id++) {
                nulls += (id % rowsPerBatch) % 97 == 0 ? 1 : 0;
            }
            assertEquals(nulls, duck.scalar("SELECT count(*) FROM read_parquet(" + f + ") WHERE text IS NULL"));
            assertEquals(0, duck.scalar("SELECT count(*) FROM read_parquet(" + f + ") WHERE text IS NOT NULL"
                    + " AND text <> 'row-' || id || '-' || lower(printf('%x', id * 31))"));
        }
    }

    @Test
    void estimatedSize_growsWithBufferedRowsBeforeAnyRowGroupIsFlushed() throws Exception {
        List<Column> columns = List.of(new Column("id", ColumnType.INT64, "int8"),
                new Column("text", ColumnType.STRING, "text"));
        ByteCounter out = new ByteCounter();
        try (BufferAllocator allocator = new RootAllocator();
                FormatWriter writer = new ParquetFormatProvider().create(Format.parquet(), columns, out)) {
            long empty = writer.estimatedSize();
            List<Long> estimates = new ArrayList<>();
            for (int b = 0; b < 3; b++) {
                List<Object[]> rows = new ArrayList<>();
                for (int i = 0; i < 5_000; i++) {
                    rows.add(new Object[] {(long) (b * 5_000 + i), "value " + b + "/" + i});
                }
                try (Batch root = TestBatches.root(allocator, columns, rows)) {
                    writer.write(root);
                }
                estimates.add(writer.estimatedSize());
            }
            assertTrue(out.count < 1024, "the 128 MiB row group is still buffered, so little reached the stream");
            assertTrue(empty < estimates.get(0) && estimates.get(0) < estimates.get(1)
                    && estimates.get(1) < estimates.get(2), "estimates must grow: " + empty + " " + estimates);
            writer.finish();
            assertEquals(out.count, writer.estimatedSize());
        }
    }

    @Test
    void restart_writesTheNextFileWithTheSameWriter_andHoldsNoArrowMemoryBetweenFiles() throws Exception {
        List<Column> columns = TestBatches.allColumns();
        List<Object[]> rows = TestBatches.allRows();
        Path first = dir.resolve("first.parquet");
        Path second = dir.resolve("second.parquet");
        try (BufferAllocator allocator = new RootAllocator();
                OutputStream out1 = Files.newOutputStream(first);
                OutputStream out2 = Files.newOutputStream(second)) {
            BufferAllocator chunk1 = allocator.newChildAllocator("chunk-1", 0, Long.MAX_VALUE);
            FormatWriter writer = new ParquetFormatProvider().create(Format.parquet(), columns, out1, chunk1);
            try (Batch root = TestBatches.root(allocator, columns, rows)) {
                writer.write(root);
                writer.finish();
                // The engine closes a chunk's allocator when the chunk ends; the finished writer holds none of it.
                chunk1.close();
                BufferAllocator chunk2 = allocator.newChildAllocator("chunk-2", 0, Long.MAX_VALUE);
                assertTrue(writer.restart(out2, chunk2));
                writer.write(root);
                writer.write(root);
                writer.finish();
                writer.close();
                chunk2.close();
            }
        }
        try (DuckDbReader duck = new DuckDbReader()) {
            List<List<Object>> expected = DuckDbReader.canonical(columns, rows);
            assertEquals(expected, duck.read(columns, "read_parquet(" + DuckDbReader.literal(first) + ")",
                    NATIVE_LIST));
            List<List<Object>> twice = new ArrayList<>(expected);
            twice.addAll(expected);
            assertEquals(twice, duck.read(columns, "read_parquet(" + DuckDbReader.literal(second) + ")",
                    NATIVE_LIST));
        }
    }

    @Test
    void finish_withoutRows_writesAReadableEmptyFile() throws Exception {
        Path file = dir.resolve("empty.parquet");
        write(file, Format.parquet(), TestBatches.allColumns(), List.of());
        try (DuckDbReader duck = new DuckDbReader()) {
            String f = DuckDbReader.literal(file);
            assertEquals(0, duck.scalar("SELECT count(*) FROM read_parquet(" + f + ")"));
            assertEquals(TestBatches.allColumns().size(),
                    duck.scalar("SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet(" + f + "))"));
        }
    }

    @Test
    void close_withoutFinish_leavesStreamOpenAndReleasesArrowMemory() throws Exception {
        List<Column> columns = TestBatches.allColumns();
        CloseTracking out = new CloseTracking(OutputStream.nullOutputStream());
        try (BufferAllocator allocator = new RootAllocator()) {
            FormatWriter writer = new ParquetFormatProvider().create(Format.parquet(), columns, out);
            try (Batch root = TestBatches.root(allocator, columns, TestBatches.allRows())) {
                writer.write(root);
            }
            writer.close();
            writer.close();
        }
        assertFalse(out.closed);
    }

    @Test
    void serviceLoader_findsBothProviders() {
        List<String> names = new ArrayList<>();
        for (FormatProvider p : ServiceLoader.load(FormatProvider.class)) {
            names.add(p.name());
        }
        assertTrue(names.containsAll(List.of("parquet", "csv")), names.toString());
    }

    @Test
    void decimalBytes_isTheMinimalWidth() {
        assertEquals(1, ParquetSchemas.decimalBytes(2));
        assertEquals(2, ParquetSchemas.decimalBytes(3));
        assertEquals(4, ParquetSchemas.decimalBytes(9));
        assertEquals(8, ParquetSchemas.decimalBytes(18));
        assertEquals(9, ParquetSchemas.decimalBytes(19));
        assertEquals(9, ParquetSchemas.decimalBytes(21));
        assertEquals(10, ParquetSchemas.decimalBytes(22));
        assertEquals(16, ParquetSchemas.decimalBytes(38));
    }

    /** Records whether close() was called. */
    static final class CloseTracking extends FilterOutputStream {
        boolean closed;

        CloseTracking(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }

    /** Counts bytes and drops them. */
    static final class ByteCounter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
