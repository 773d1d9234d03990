package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.ColumnMappingException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads a table holding every supported PostgreSQL type and its edge values through describe + openReader in batches
 * of 3 rows, and compares every Arrow value with a canonical form PostgreSQL itself computes in a separate query
 * (IEEE bits of floats, epoch microseconds, day numbers, the type's output function, raw bytes).
 */
class PostgresDialectIT {

    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofSeconds(30), Duration.ofSeconds(5));
    private static TestDatabases.PostgresDatabase db;
    private static BufferAllocator allocator;
    private final PostgresDialect dialect = new PostgresDialect();

    @BeforeAll
    static void createTable() {
        db = TestDatabases.postgres().createDatabase("pgdialect");
        allocator = new RootAllocator();
        AllTypesTable.create(db);
    }

    @AfterAll
    static void drop() {
        if (allocator != null) {
            allocator.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void describe_mapsEveryType() throws SQLException {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            List<Column> columns = dialect.describe(c, "SELECT * FROM all_types", "types");
            dialect.endSnapshot(c);
            Map<String, ColumnType> actual = new LinkedHashMap<>();
            columns.forEach(col -> actual.put(col.name(), col.type()));
            assertEquals(AllTypesTable.TYPES, actual);
            Map<String, String> source = new TreeMap<>();
            columns.forEach(col -> source.put(col.name(), col.sourceTypeName()));
            assertEquals("timestamptz", source.get("tstz"));
            assertEquals("_int4", source.get("ai"));
            assertEquals("mood", source.get("m"));
            assertEquals("numeric", source.get("nu"));
        }
    }

    @Test
    void describe_numericExpressions() throws SQLException {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            List<Column> columns = dialect.describe(c, "SELECT d12 + 1 AS expr, d12::numeric(20,4) AS cast20,"
                    + " d12::numeric(40,2) AS wide, 0.00123::numeric(3,5) AS tiny, count(*) AS n FROM all_types"
                    + " GROUP BY d12;", "types");
            dialect.endSnapshot(c);
            assertEquals(List.of(ColumnType.STRING, ColumnType.decimal(20, 4), ColumnType.STRING,
                    ColumnType.decimal(5, 5), ColumnType.INT64), columns.stream().map(Column::type).toList());
        }
    }

    @Test
    void readsEveryValueExactly_acrossBatchesOfThree() throws SQLException {
        String sql = "SELECT * FROM all_types ORDER BY id";
        Map<Integer, Map<String, Object>> actual = new TreeMap<>();
        List<Integer> batchSizes = new ArrayList<>();
        List<Column> columns;
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                // A non-UTC session default: the snapshot must still read instants exactly.
                s.execute("SET TimeZone = 'America/New_York'");
            }
            dialect.beginSnapshot(c, SETTINGS);
            columns = dialect.describe(c, sql, "types");
            try (Batch root = Batch.create(columns, allocator);
                    BatchReader reader = dialect.openReader(c, sql, columns)) {
                int n;
                while ((n = reader.read(root, 3)) > 0) {
                    batchSizes.add(n);
                    assertEquals(n, root.getRowCount());
                    for (int row = 0; row < n; row++) {
                        Map<String, Object> values = new LinkedHashMap<>();
                        for (int col = 0; col < columns.size(); col++) {
                            Column column = columns.get(col);
                            values.put(column.name(), actualValue(root.getVector(col), row, column.type()));
                        }
                        actual.put(((Long) values.get("id")).intValue(), values);
                    }
                }
                assertEquals(0, reader.read(root, 3), "an exhausted reader keeps returning 0");
                assertEquals(0, root.getRowCount());
            }
            dialect.endSnapshot(c);
        }
        assertEquals(List.of(3, 3, 1), batchSizes);
        assertEquals(7, actual.size());
        Map<Integer, Map<String, Object>> expected = expectedValues(columns);
        for (Map.Entry<Integer, Map<String, Object>> row : expected.entrySet()) {
            for (Column column : columns) {
                assertEquals(row.getValue().get(column.name()), actual.get(row.getKey()).get(column.name()),
                        "row " + row.getKey() + " column " + column.name());
            }
        }
        // Spot checks that do not depend on the oracle's own conversions.
        assertEquals(java.util.Arrays.asList(1L, null, 3L), actual.get(3).get("ai"));
        assertEquals(List.of(), actual.get(1).get("ai"));
        assertEquals(null, actual.get(5).get("ai"));
        assertEquals(hex("-1234567890123456789012345678901234567890.0123456789".getBytes()), actual.get(1).get("nu"));
        assertEquals(hex("NaN".getBytes()), actual.get(2).get("nu"));
        assertEquals("-9999999999999999999999999999.9999999999", actual.get(1).get("d38"));
        assertEquals(-1L, actual.get(3).get("ts"));
        assertEquals(-999_999L, actual.get(3).get("tstz"));
        assertEquals(-1L, actual.get(3).get("dt"));
        assertEquals(1_730_611_800_000_000L, actual.get(4).get("tstz"));
        assertEquals(1_730_615_400_000_000L, actual.get(6).get("tstz"));
        assertEquals(hex("ab   ".getBytes()), actual.get(3).get("ch"));
        assertEquals(String.format("%016x", Double.doubleToRawLongBits(-0.0)), actual.get(3).get("f8"));
    }

    /** Normalizes an Arrow value: integers to Long, floats to their IEEE bits, bytes to hex, lists to lists. */
    static Object actualValue(FieldVector v, int row, ColumnType type) {
        if (v.isNull(row)) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN -> ((BitVector) v).get(row) == 1 ? "true" : "false";
            case INT16, INT32, INT64 -> ((Number) v.getObject(row)).longValue();
            case FLOAT32 -> String.format("%08x", Float.floatToRawIntBits(((Float4Vector) v).get(row)));
            case FLOAT64 -> String.format("%016x", Double.doubleToRawLongBits(((Float8Vector) v).get(row)));
            case DECIMAL -> ((BigDecimal) ((DecimalVector) v).getObject(row)).toPlainString();
            case STRING, JSON, BINARY -> hex(((BaseVariableWidthVector) v).get(row));
            case UUID -> hex(((FixedSizeBinaryVector) v).get(row));
            case DATE -> (long) ((DateDayVector) v).get(row);
            case TIME_MICROS -> ((TimeMicroVector) v).get(row);
            case TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC -> ((TimeStampVector) v).get(row);
            case LIST -> {
                ListVector list = (ListVector) v;
                FieldVector child = list.getDataVector();
                List<Object> out = new ArrayList<>();
                for (int i = list.getElementStartIndex(row); i < list.getElementEndIndex(row); i++) {
                    out.add(actualValue(child, i, type.element()));
                }
                yield out;
            }
        };
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** PostgreSQL's own canonical form of {@code expr}, matching {@link #actualValue}'s normalization. */
    private static String oracle(String expr, ColumnType type) {
        // format('%s', NULL) is '', so NULL is kept explicitly.
        return "CASE WHEN " + expr + " IS NULL THEN NULL ELSE " + canonical(expr, type) + " END";
    }

    private static String canonical(String expr, ColumnType type) {
        return switch (type.kind()) {
            case BOOLEAN -> expr + "::text";
            case INT16, INT32, INT64 -> expr + "::int8";
            case FLOAT32 -> "encode(float4send(" + expr + "), 'hex')";
            case FLOAT64 -> "encode(float8send(" + expr + "), 'hex')";
            case DECIMAL -> expr + "::text";
            // format('%s') runs the type's output function: char(n) keeps its padding, json its spelling.
            case STRING, JSON -> "encode(convert_to(format('%s', " + expr + "), 'UTF8'), 'hex')";
            case BINARY -> "encode(" + expr + ", 'hex')";
            case UUID -> "encode(uuid_send(" + expr + "), 'hex')";
            case DATE -> "(" + expr + " - date '1970-01-01')::int8";
            case TIME_MICROS, TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC ->
                "(extract(epoch FROM " + expr + ") * 1000000)::int8";
            case LIST -> throw new IllegalArgumentException();
        };
    }

    private static Map<Integer, Map<String, Object>> expectedValues(List<Column> columns) throws SQLException {
        Map<Integer, Map<String, Object>> expected = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (Column column : columns) {
                String name = "\"" + column.name() + "\"";
                if (column.type().kind() != ColumnType.Kind.LIST) {
                    try (ResultSet rs = s.executeQuery("SELECT id, " + oracle(name, column.type())
                            + " FROM all_types")) {
                        while (rs.next()) {
                            Object v = rs.getObject(2);
                            expected.computeIfAbsent(rs.getInt(1), k -> new LinkedHashMap<>()).put(column.name(), v);
                        }
                    }
                    continue;
                }
                try (ResultSet rs = s.executeQuery("SELECT id, " + name + " IS NULL FROM all_types")) {
                    while (rs.next()) {
                        expected.computeIfAbsent(rs.getInt(1), k -> new LinkedHashMap<>())
                                .put(column.name(), rs.getBoolean(2) ? null : new ArrayList<>());
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT id, " + oracle("e", column.type().element())
                        + " FROM all_types, unnest(" + name + ") WITH ORDINALITY AS u(e, ord) ORDER BY id, ord")) {
                    while (rs.next()) {
                        @SuppressWarnings("unchecked")
                        List<Object> list = (List<Object>) expected.get(rs.getInt(1)).get(column.name());
                        list.add(rs.getObject(2));
                    }
                }
            }
        }
        return expected;
    }

    @Test
    void unsupportedTypes_failBeforeReading_namingEveryColumn() throws SQLException {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            ColumnMappingException e = assertThrows(ColumnMappingException.class, () -> dialect.describe(c,
                    "SELECT 1 AS id, interval '1 day' AS period, 12.5::money AS price, inet '10.0.0.1' AS addr,"
                            + " point(1,2) AS p, now()::timetz AS tz, ARRAY[[1,2]]::int[] AS fine,"
                            + " ARRAY[interval '1 hour'] AS periods", "orders"));
            dialect.endSnapshot(c);
            assertEquals("period", e.column());
            assertEquals("interval", e.sourceTypeName());
            assertEquals("orders", e.exportName());
            assertEquals("Export \"orders\": 6 columns have PostgreSQL types Rivet cannot write faithfully:"
                    + " \"period\" (interval), \"price\" (money), \"addr\" (inet), \"p\" (point), \"tz\" (timetz),"
                    + " \"periods\" (interval[]). Cast them in a query, e.g. period::text, or leave them out of the"
                    + " column list.", e.getMessage());
        }
    }

    @Test
    void oneUnsupportedColumn_messageSuggestsTheCast() throws SQLException {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            ColumnMappingException e = assertThrows(ColumnMappingException.class,
                    () -> dialect.describe(c, "SELECT interval '1 day' AS period", "orders"));
            dialect.endSnapshot(c);
            assertEquals("Export \"orders\": column \"period\" has PostgreSQL type \"interval\", which Rivet cannot"
                    + " write faithfully. Cast it in a query, e.g. period::text, or leave it out of the column list.",
                    e.getMessage());
        }
    }

    private SQLException readFailure(String sql) throws SQLException {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            try {
                List<Column> columns = dialect.describe(c, sql, "x");
                try (Batch root = Batch.create(columns, allocator);
                        BatchReader reader = dialect.openReader(c, sql, columns)) {
                    return assertThrows(SQLException.class, () -> {
                        while (reader.read(root, 3) > 0) {
                            // keep reading until the bad value
                        }
                    });
                }
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    void infinityTimestamp_failsNamingTheColumn() throws SQLException {
        SQLException e = readFailure("SELECT g, CASE WHEN g = 5 THEN 'infinity'::timestamptz ELSE now() END AS seen"
                + " FROM generate_series(1, 6) g");
        assertEquals("22008", e.getSQLState());
        assertTrue(e.getMessage().startsWith("Column \"seen\" (PostgreSQL type timestamptz) holds infinity"),
                e.getMessage());
        assertFalse(PostgresErrors.isRetryable(e));
        assertEquals("22008", readFailure("SELECT '-infinity'::date AS d").getSQLState());
    }

    @Test
    void nanInDecimal_failsNamingTheColumn() throws SQLException {
        SQLException e = readFailure("SELECT 'NaN'::numeric(10,2) AS amount");
        assertEquals("22003", e.getSQLState());
        assertTrue(e.getMessage().contains("\"amount\""), e.getMessage());
    }

    @Test
    void multiDimensionalArray_failsNamingTheColumn() throws SQLException {
        SQLException e = readFailure("SELECT ARRAY[[1,2],[3,4]] AS grid");
        assertEquals("2202E", e.getSQLState());
        assertTrue(e.getMessage().startsWith("Column \"grid\" (PostgreSQL type _int4) holds a multi-dimensional"),
                e.getMessage());
    }

    @Test
    void timestampBeyondInt64Micros_failsNamingTheColumn() throws SQLException {
        SQLException e = readFailure("SELECT '294276-12-31 23:59:59.999999'::timestamp AS far");
        assertTrue(e.getMessage().startsWith("Column \"far\" (PostgreSQL type timestamp)"), e.getMessage());
    }

    @Test
    void extensionEnumAndSchemaQualifiedTypes_areMappedAndRead() throws SQLException {
        db.execute("CREATE SCHEMA IF NOT EXISTS ext", "CREATE EXTENSION IF NOT EXISTS citext SCHEMA ext",
                "DROP TYPE IF EXISTS ext.color", "CREATE TYPE ext.color AS ENUM ('red', 'grün')");
        String sql = "SELECT 'AbC'::ext.citext AS ci, ARRAY['x'::ext.citext, NULL] AS cis, 'grün'::ext.color AS col,"
                + " ARRAY['red'::ext.color] AS cols";
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            List<Column> columns = dialect.describe(c, sql, "x");
            assertEquals(List.of(ColumnType.STRING, ColumnType.list(ColumnType.STRING), ColumnType.STRING,
                    ColumnType.list(ColumnType.STRING)), columns.stream().map(Column::type).toList());
            try (Batch root = Batch.create(columns, allocator);
                    BatchReader reader = dialect.openReader(c, sql, columns)) {
                assertEquals(1, reader.read(root, 10));
                assertEquals(hex("AbC".getBytes()), actualValue(root.getVector(0), 0, columns.get(0).type()));
                assertEquals(java.util.Arrays.asList(hex("x".getBytes()), null),
                        actualValue(root.getVector(1), 0, columns.get(1).type()));
                assertEquals(hex("grün".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        actualValue(root.getVector(2), 0, columns.get(2).type()));
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT "
                    + dialect.literal("grün", columns.get(2)) + " = 'grün'::ext.color")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1));
            }
            dialect.endSnapshot(c);
        }
    }

    @Test
    void arrayWithLowerBounds_isReadAsOneDimension() throws SQLException {
        String sql = "SELECT '[0:2]={7,NULL,9}'::int[] AS a";
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            List<Column> columns = dialect.describe(c, sql, "x");
            try (Batch root = Batch.create(columns, allocator);
                    BatchReader reader = dialect.openReader(c, sql, columns)) {
                assertEquals(1, reader.read(root, 10));
                assertEquals(java.util.Arrays.asList(7L, null, 9L),
                        actualValue(root.getVector(0), 0, columns.get(0).type()));
            }
            dialect.endSnapshot(c);
        }
    }

    @Test
    void snapshot_isReadOnlyUtcWithTimeouts_andLeavesTheSessionClean() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'America/New_York'");
            s.execute("SET statement_timeout = '7min'");
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofMillis(1500), Duration.ofSeconds(2)));
            assertFalse(c.getAutoCommit());
            assertEquals("UTC", show(s, "TimeZone"));
            assertEquals("1500ms", show(s, "statement_timeout"));
            assertEquals("2s", show(s, "lock_timeout"));
            assertEquals("repeatable read", show(s, "transaction_isolation"));
            assertEquals("on", show(s, "transaction_read_only"));
            SQLException e = assertThrows(SQLException.class,
                    () -> s.execute("INSERT INTO all_types (id) VALUES (100)"));
            assertEquals("25006", e.getSQLState());
            assertFalse(dialect.isRetryable(e));
            dialect.endSnapshot(c);
            assertTrue(c.getAutoCommit());
            assertEquals("America/New_York", show(s, "TimeZone"));
            assertEquals("7min", show(s, "statement_timeout"));
            assertEquals("off", show(s, "transaction_read_only"));
        }
    }

    @Test
    void zeroTimeouts_meanNone() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '9s'");
            dialect.beginSnapshot(c, new SessionSettings(Duration.ZERO, Duration.ZERO));
            assertEquals("0", show(s, "statement_timeout"));
            assertEquals("0", show(s, "lock_timeout"));
            dialect.endSnapshot(c);
            assertEquals("9s", show(s, "lock_timeout"));
        }
    }

    @Test
    void pooledConnection_returnsClean() throws SQLException {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(1);
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            String defaultZone;
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                defaultZone = show(s, "TimeZone");
                s.execute("SET TimeZone = 'Asia/Kolkata'");
                s.execute("RESET TimeZone");
                dialect.beginSnapshot(c, SETTINGS);
                assertEquals("UTC", show(s, "TimeZone"));
                // The engine's own small query inside the snapshot, then a reader left open on purpose.
                List<Column> columns = dialect.describe(c, "SELECT id FROM all_types", "x");
                dialect.openReader(c, "SELECT id FROM all_types", columns);
                dialect.endSnapshot(c);
            }
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                assertEquals(defaultZone, show(s, "TimeZone"));
                assertEquals("off", show(s, "transaction_read_only"));
                assertEquals("0", show(s, "statement_timeout"));
                assertTrue(c.getAutoCommit());
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_cursors WHERE name LIKE 'rivet%'")) {
                    assertTrue(rs.next());
                    assertEquals(0, rs.getInt(1), "the rollback closed the cursor");
                }
            }
        }
    }

    @Test
    void snapshot_isConsistentAcrossStatements() throws SQLException {
        db.execute("CREATE TABLE IF NOT EXISTS moving (id int)", "TRUNCATE moving", "INSERT INTO moving VALUES (1)");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            dialect.beginSnapshot(c, SETTINGS);
            assertEquals(1, count(s, "SELECT count(*) FROM moving"));
            db.execute("INSERT INTO moving VALUES (2)");
            assertEquals(1, count(s, "SELECT count(*) FROM moving"), "later commits are invisible to the snapshot");
            String sql = "SELECT id FROM moving";
            List<Column> columns = dialect.describe(c, sql, "x");
            try (Batch root = Batch.create(columns, allocator);
                    BatchReader reader = dialect.openReader(c, sql, columns)) {
                assertEquals(1, reader.read(root, 100));
            }
            dialect.endSnapshot(c);
            assertEquals(2, count(s, "SELECT count(*) FROM moving"));
        }
    }

    @Test
    void statementTimeout_appliesPerFetch_andIsNotRetryable() throws SQLException {
        String sql = "SELECT g, pg_sleep(CASE WHEN g = 4 THEN 0.5 ELSE 0 END) FROM generate_series(1, 6) g";
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofMillis(200), Duration.ZERO));
            List<Column> columns = dialect.describe(c, "SELECT g FROM generate_series(1, 6) g", "x");
            try (Batch root = Batch.create(columns, allocator);
                    BatchReader reader = dialect.openReader(c, "SELECT g FROM (" + sql + ") q", columns)) {
                assertEquals(3, reader.read(root, 3), "the first FETCH is fast");
                SQLException e = assertThrows(SQLException.class, () -> reader.read(root, 3));
                assertEquals("57014", e.getSQLState());
                assertFalse(dialect.isRetryable(e));
            }
            dialect.endSnapshot(c);
        }
    }

    @Test
    void primaryKey_andEstimate() throws SQLException {
        db.execute("CREATE SCHEMA IF NOT EXISTS sales",
                "CREATE TABLE sales.\"MixedCase\" (order_id bigint PRIMARY KEY, note text)",
                "INSERT INTO sales.\"MixedCase\" SELECT g, 'n' FROM generate_series(1, 500) g",
                "CREATE TABLE composite (a int, b int, PRIMARY KEY (a, b))",
                "CREATE TABLE nokey (a int)",
                "ANALYZE sales.\"MixedCase\"");
        try (Connection c = db.connect()) {
            assertEquals(List.of("id"), dialect.primaryKey(c, "all_types"));
            assertEquals(List.of("id"), dialect.primaryKey(c, "public.all_types"));
            assertEquals(List.of("order_id"), dialect.primaryKey(c, "sales.MixedCase"));
            assertEquals(List.of(), dialect.primaryKey(c, "composite"));
            assertEquals(List.of(), dialect.primaryKey(c, "nokey"));
            assertEquals(List.of(), dialect.primaryKey(c, "no_such_table"));
            assertEquals(500, dialect.estimateRows(c, "sales.MixedCase"));
            assertEquals(-1, dialect.estimateRows(c, "nokey"));
            assertEquals(-1, dialect.estimateRows(c, "no_such_table"));
        }
    }

    @Test
    void literals_andNowMinusSeconds_roundTrip() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            Column ts = new Column("tstz", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz");
            Column text = new Column("t", ColumnType.STRING, "text");
            Column mood = new Column("m", ColumnType.STRING, "mood");
            try (ResultSet rs = s.executeQuery("SELECT " + dialect.literal("1969-12-31 23:59:59.000001+00", ts)
                    + " = tstz, " + dialect.literal("it's a \\ back'slash", text) + ", "
                    + dialect.literal("happy 😀", mood) + " = 'happy 😀'::mood,"
                    + " now() - " + dialect.nowMinusSeconds(90) + " = interval '90 seconds'"
                    + " FROM all_types WHERE id = 3")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1));
                assertEquals("it's a \\ back'slash", rs.getString(2));
                assertTrue(rs.getBoolean(3));
                assertTrue(rs.getBoolean(4));
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + dialect.quoteTable("sales.MixedCase"))) {
                assertTrue(rs.next());
            } catch (SQLException e) {
                // Created by primaryKey_andEstimate; test order is not fixed, so only a missing table is allowed.
                assertEquals("42P01", e.getSQLState());
            }
        }
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static int count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }
}
