package io.rivet.core.internal.format.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.DataSize;
import io.rivet.Format;
import io.rivet.ParquetFormat;
import io.rivet.core.internal.format.DuckDbReader;
import io.rivet.core.internal.format.TestBatches;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.FormatWriter;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rivet's own column chunk writers on enough rows for many pages, several row groups and every dictionary decision:
 * kept for low-cardinality columns, dropped early for unique ones, dropped in the middle of a chunk when the
 * dictionary outgrows its limit; NULLs in every position, lists across page boundaries. Every value and every row
 * group's statistics are checked through DuckDB.
 */
class ColumnChunkWriterTest {

    @TempDir
    static Path dir;

    private static final int ROWS = 70_000;
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.INT64, "int8"),
            new Column("status", ColumnType.STRING, "varchar"),
            new Column("tenant", ColumnType.INT32, "int4"),
            // low cardinality for 30,000 rows, then unique: the dictionary passes 1 MB in mid-chunk
            new Column("drift", ColumnType.STRING, "text"),
            new Column("amount", ColumnType.decimal(12, 2), "numeric"),
            new Column("big", ColumnType.decimal(20, 0), "numeric"),
            new Column("ratio", ColumnType.FLOAT64, "float8"),
            new Column("small", ColumnType.INT16, "int2"),
            new Column("flag", ColumnType.BOOLEAN, "bool"),
            new Column("u", ColumnType.UUID, "uuid"),
            new Column("seen", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"),
            new Column("tags", ColumnType.list(ColumnType.STRING), "_text"),
            new Column("nums", ColumnType.list(ColumnType.INT64), "_int8"));

    private static List<Object[]> rows;
    private static Path file;

    @BeforeAll
    static void write() throws Exception {
        SplittableRandom r = new SplittableRandom(2024);
        String[] statuses = {"published", "draft", "archived", "a", ""};
        rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            long id = i + 1;
            String drift = i < 30_000 ? "common-" + r.nextInt(50)
                    : "unique-" + id + "-" + "x".repeat(20 + r.nextInt(40));
            List<Object> tags = null;
            if (i % 11 != 0) {
                tags = new ArrayList<>();
                int n = r.nextInt(6);
                for (int k = 0; k < n; k++) {
                    tags.add(r.nextInt(7) == 0 ? null : "t" + r.nextInt(400));
                }
            }
            List<Object> nums = i % 5 == 0 ? null : new ArrayList<>();
            if (nums != null) {
                for (int k = 0; k < i % 4; k++) {
                    nums.add(k == 1 && i % 3 == 0 ? null : id * 1_000_003L + k);
                }
            }
            rows.add(new Object[] {
                id,
                i % 13 == 0 ? null : statuses[r.nextInt(statuses.length)],
                i % 7 == 0 ? null : 1 + r.nextInt(300),
                i % 17 == 0 ? null : drift,
                i % 4 == 0 ? null : BigDecimal.valueOf(r.nextLong(-9_999_999_999L, 9_999_999_999L), 2),
                i % 9 == 0 ? null : new BigDecimal(new BigInteger(64, new java.util.Random(id)).subtract(
                        BigInteger.ONE.shiftLeft(63)).multiply(BigInteger.valueOf(1 + i % 5))),
                i % 19 == 0 ? null : i % 1001 == 0 ? Double.NaN : r.nextDouble() * 100 - 50,
                i % 3 == 0 ? null : (short) (r.nextInt(65_536) - 32_768),
                i % 10 == 0 ? null : r.nextInt(3) == 0,
                i % 6 == 0 ? null : new UUID(r.nextLong(), r.nextLong()),
                Instant.ofEpochSecond(1_700_000_000L + i * 7L, (i % 1000) * 1000L),
                tags,
                nums});
        }
        file = dir.resolve("pages.parquet");
        // 1 MiB row groups: several of them, so the per-file dictionary decisions carry over.
        ParquetFormat format = Format.parquet().withRowGroupSize(DataSize.ofMebibytes(1));
        try (BufferAllocator allocator = new RootAllocator();
                OutputStream out = Files.newOutputStream(file);
                FormatWriter writer = new ParquetFormatProvider().create(format, COLUMNS, out, allocator)) {
            int batch = 6_999;
            for (int from = 0; from < ROWS; from += batch) {
                try (Batch root = TestBatches.root(allocator, COLUMNS,
                        rows.subList(from, Math.min(ROWS, from + batch)))) {
                    writer.write(root);
                }
            }
            writer.finish();
        }
    }

    @Test
    void everyValue_readsBack() throws Exception {
        try (DuckDbReader duck = new DuckDbReader()) {
            List<List<Object>> actual = duck.read(COLUMNS, "read_parquet(" + DuckDbReader.literal(file) + ")",
                    (quoted, type) -> quoted);
            List<List<Object>> expected = DuckDbReader.canonical(COLUMNS, rows);
            assertEquals(ROWS, actual.size());
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLUMNS.size(); c++) {
                    assertEquals(expected.get(r).get(c), actual.get(r).get(c),
                            "row " + r + " column " + COLUMNS.get(c).name());
                }
            }
        }
    }

    @Test
    void encodings_followTheData() throws Exception {
        try (DuckDbReader duck = new DuckDbReader()) {
            String f = DuckDbReader.literal(file);
            assertTrue(duck.scalar("SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + f + ")") >= 3,
                    "several row groups");
            // Low cardinality: every chunk dictionary-encoded.
            assertEquals(List.of("PLAIN_DICTIONARY, RLE, BIT_PACKED"), encodings(duck, f, "status"));
            assertEquals(List.of("PLAIN_DICTIONARY, RLE, BIT_PACKED"), encodings(duck, f, "tenant"));
            // Unique from the start: never a dictionary.
            assertEquals(List.of("PLAIN, RLE, BIT_PACKED"), encodings(duck, f, "id"));
            assertEquals(List.of("PLAIN, RLE, BIT_PACKED"), encodings(duck, f, "u"));
            // Booleans are always plain.
            assertEquals(List.of("PLAIN, RLE, BIT_PACKED"), encodings(duck, f, "flag"));
            // The drifting column starts with a dictionary and, once its values turn unique, stays plain.
            List<String> drift = duck.strings("SELECT encodings FROM parquet_metadata(" + f + ") WHERE"
                    + " path_in_schema = 'drift' ORDER BY row_group_id");
            assertTrue(drift.get(0).contains("PLAIN_DICTIONARY"), drift.toString());
            assertEquals("PLAIN, RLE, BIT_PACKED", drift.get(drift.size() - 1), drift.toString());
        }
    }

    @Test
    void dictionaryOverflow_fallsBackInsideTheChunk() throws Exception {
        // 20,000 rows of 40 values (one page that passes the dictionary test), then 10,000 unique 200-byte values:
        // the dictionary passes 1 MiB on the second page, which is written plain, in the same chunk.
        List<Column> columns = List.of(new Column("s", ColumnType.STRING, "text"));
        List<Object[]> values = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            values.add(new Object[] {i < 20_000 ? "common-" + (i % 40) : "unique-" + i + "x".repeat(200)});
        }
        Path one = dir.resolve("overflow.parquet");
        try (BufferAllocator allocator = new RootAllocator();
                OutputStream out = Files.newOutputStream(one);
                FormatWriter writer = new ParquetFormatProvider().create(Format.parquet(), columns, out, allocator)) {
            try (Batch root = TestBatches.root(allocator, columns, values)) {
                writer.write(root);
            }
            writer.finish();
        }
        try (DuckDbReader duck = new DuckDbReader()) {
            String f = DuckDbReader.literal(one);
            assertEquals(List.of("PLAIN_DICTIONARY, PLAIN, RLE, BIT_PACKED"),
                    duck.strings("SELECT encodings FROM parquet_metadata(" + f + ")"));
            List<List<Object>> actual = duck.read(columns, "read_parquet(" + f + ")", (quoted, type) -> quoted);
            assertEquals(DuckDbReader.canonical(columns, values), actual);
        }
    }

    private static List<String> encodings(DuckDbReader duck, String f, String column) throws Exception {
        return duck.strings("SELECT DISTINCT encodings FROM parquet_metadata(" + f + ") WHERE path_in_schema = '"
                + column + "'");
    }

    @Test
    void statistics_matchEachRowGroup() throws Exception {
        try (DuckDbReader duck = new DuckDbReader()) {
            String f = DuckDbReader.literal(file);
            // Row group boundaries in file row numbers, then min, max and NULL count per group from the data itself.
            String groups = "WITH g AS (SELECT row_group_id, row_group_num_rows AS n FROM parquet_metadata(" + f
                    + ") WHERE path_in_schema = 'id'), b AS (SELECT row_group_id, sum(n) OVER (ORDER BY row_group_id)"
                    + " - n AS lo, sum(n) OVER (ORDER BY row_group_id) AS hi FROM g)";
            for (String column : List.of("id", "status", "tenant", "drift", "amount", "big", "small", "seen")) {
                String data = groups + " SELECT b.row_group_id, CAST(min(d.\"" + column + "\") AS VARCHAR),"
                        + " CAST(max(d.\"" + column + "\") AS VARCHAR), count(*) - count(d.\"" + column + "\")"
                        + " FROM b JOIN read_parquet(" + f + ", file_row_number = true) d ON d.file_row_number >= b.lo"
                        + " AND d.file_row_number < b.hi GROUP BY 1 ORDER BY 1";
                String stats = "SELECT row_group_id, stats_min_value, stats_max_value, stats_null_count FROM"
                        + " parquet_metadata(" + f + ") WHERE path_in_schema = '" + column + "' ORDER BY 1";
                List<String> expected = duck.strings("SELECT concat_ws('|', * COLUMNS(*)) FROM (" + data + ")");
                List<String> actual = duck.strings("SELECT concat_ws('|', * COLUMNS(*)) FROM (" + stats + ")");
                assertEquals(normalize(expected, column), normalize(actual, column), column);
            }
        }
    }

    /** DuckDB prints a timestamp statistic as its raw microseconds; compare instants in one form. */
    private static List<String> normalize(List<String> lines, String column) {
        if (!column.equals("seen")) {
            return lines;
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] p = line.split("\\|", -1);
            out.add(p[0] + "|" + micros(p[1]) + "|" + micros(p[2]) + "|" + p[3]);
        }
        return out;
    }

    private static String micros(String v) {
        if (v.matches("-?\\d+")) {
            return v;
        }
        // e.g. 2023-11-14 22:13:20.000001+00
        String iso = v.replace(' ', 'T').replaceAll("\\+00$", "Z");
        Instant t = Instant.parse(iso);
        return Long.toString(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
    }

    @Test
    void decimalStatistics_areSigned() throws Exception {
        // FIXED_LEN_BYTE_ARRAY decimals compare as signed integers: the minimum of a chunk holding negatives is
        // negative even though its first byte is larger unsigned.
        try (DuckDbReader duck = new DuckDbReader()) {
            String f = DuckDbReader.literal(file);
            List<String> mins = duck.strings("SELECT stats_min_value FROM parquet_metadata(" + f + ") WHERE"
                    + " path_in_schema = 'big'");
            assertTrue(mins.stream().allMatch(m -> m.startsWith("-")), mins.toString());
        }
    }
}
