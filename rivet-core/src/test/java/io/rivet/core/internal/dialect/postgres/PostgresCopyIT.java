package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The binary COPY read path against the cursor path on a real PostgreSQL: every supported type and edge value must
 * come out as exactly the same Arrow values (floats compared by their bits, text and bytes as hex), in batches that
 * split rows differently, with the protocol stream read directly and through pgjdbc's per-row API; the same values
 * must fail with the same errors; and a COPY abandoned half-way must leave a connection that rolls back and is
 * reused cleanly.
 */
class PostgresCopyIT {

    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofSeconds(30), Duration.ofSeconds(5));
    private static TestDatabases.PostgresDatabase db;
    private static BufferAllocator allocator;
    private final PostgresDialect dialect = new PostgresDialect();

    /** Types and values the all_types table does not hold: "char", domains, more arrays, numerics of every shape. */
    private static final String MORE_TYPES = "SELECT g AS id,"
            + " CASE g % 4 WHEN 0 THEN 'a'::\"char\" WHEN 1 THEN ''::\"char\" WHEN 2 THEN NULL"
            + "   ELSE chr(233)::\"char\" END AS ch1,"
            + " ARRAY[g::oid, 4294967295::oid] AS aoid,"
            + " ARRAY['{\"a\": 1}'::jsonb, NULL, '[]'::jsonb] AS ajb,"
            + " ARRAY['{\"b\" :  2}'::json] AS aj,"
            + " (g * 1.5)::positive_amount AS dom,"
            + " CASE g % 9 WHEN 0 THEN 'NaN'::numeric WHEN 1 THEN 'Infinity'::numeric WHEN 2 THEN '-Infinity'::numeric"
            + "   WHEN 3 THEN 0.000::numeric WHEN 4 THEN 1e-20::numeric WHEN 5 THEN -12345678901234567890.5::numeric"
            + "   WHEN 6 THEN 10000::numeric * g WHEN 7 THEN (g::numeric / 7000)::numeric(30,28) ELSE -0.0001::numeric"
            + " END AS nu,"
            + " ARRAY[g::numeric / 3, NULL, 1e30::numeric] AS anu,"
            + " CASE WHEN g % 5 = 0 THEN NULL ELSE (g * 12345.6789)::numeric(38,4) END AS d38,"
            + " (g * 1000000007::numeric)::numeric(20,0) AS d20,"
            + " (g * 0.3 - 100)::numeric(9,1) AS s1, (g * 0.07)::numeric(9,2) AS s2,"
            + " (g * 1.007 - 350)::numeric(9,3) AS s3,"
            + " ARRAY[g::smallint, (-32768)::smallint] AS ai2,"
            + " ARRAY[time '24:00:00', time '00:00:00.000001'] AS atm,"
            + " ARRAY[timestamp '1999-12-31 23:59:59.999999', NULL] AS ats,"
            + " repeat('ü', g % 300) AS long_text"
            + " FROM generate_series(1, 700) g";

    @BeforeAll
    static void createTable() {
        db = TestDatabases.postgres().createDatabase("pgcopy");
        allocator = new RootAllocator();
        AllTypesTable.create(db);
        db.execute("CREATE DOMAIN positive_amount AS numeric(12,2) CHECK (VALUE > 0)");
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

    /** Reads {@code sql} completely and returns each row's normalized values by {@code id}. */
    private Map<Long, Map<String, Object>> read(String sql, boolean copy, boolean direct, int batchRows)
            throws SQLException {
        Map<Long, Map<String, Object>> rows = new LinkedHashMap<>();
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            try {
                List<Column> columns = dialect.describe(c, sql, "copy_it");
                try (Batch root = Batch.create(columns, allocator);
                        BatchReader reader = copy ? PostgresCopyReader.open(c, sql, columns, direct)
                                : dialect.openReader(c, sql, columns)) {
                    if (copy) {
                        assertEquals(direct, ((PostgresCopyReader) reader).direct(),
                                "the protocol stream must be readable directly with this pgjdbc");
                    }
                    int n;
                    while ((n = reader.read(root, batchRows)) > 0) {
                        assertEquals(n, root.getRowCount());
                        for (int r = 0; r < n; r++) {
                            Map<String, Object> values = new LinkedHashMap<>();
                            for (int i = 0; i < columns.size(); i++) {
                                values.put(columns.get(i).name(),
                                        PostgresDialectIT.actualValue(root.getVector(i), r, columns.get(i).type()));
                            }
                            rows.put(((Number) values.get("id")).longValue(), values);
                        }
                    }
                    assertEquals(0, reader.read(root, batchRows), "an exhausted reader keeps returning 0");
                }
            } finally {
                dialect.endSnapshot(c);
            }
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void copy_allTypes_equalsTheCursorValueByValue(boolean direct) throws SQLException {
        String sql = "SELECT * FROM all_types ORDER BY id";
        Map<Long, Map<String, Object>> cursor = read(sql, false, false, 3);
        Map<Long, Map<String, Object>> copy = read(sql, true, direct, 2);
        assertEquals(7, cursor.size());
        assertEqualRows(cursor, copy);
        // Spot checks independent of the cursor path.
        assertEquals(List.of(), copy.get(1L).get("ai"));
        assertEquals(String.format("%016x", Double.doubleToRawLongBits(-0.0)), copy.get(3L).get("f8"));
        assertEquals(-999_999L, copy.get(3L).get("tstz"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void copy_moreTypesAndNumericShapes_equalTheCursor(boolean direct) throws SQLException {
        Map<Long, Map<String, Object>> cursor = read(MORE_TYPES, false, false, 97);
        Map<Long, Map<String, Object>> copy = read(MORE_TYPES, true, direct, 64);
        assertEquals(700, cursor.size());
        assertEqualRows(cursor, copy);
        assertEquals(hex("NaN"), copy.get(9L).get("nu"));
        assertEquals(hex("-Infinity"), copy.get(2L).get("nu"));
        assertEquals(hex("0.000"), copy.get(3L).get("nu"));
        assertEquals(hex("0.00000000000000000001"), copy.get(4L).get("nu"));
        assertEquals(hex("-12345678901234567890.5"), copy.get(5L).get("nu"));
        // Scales 1, 2 and 3 cut the last base-10000 digit differently.
        assertEquals("-99.7", copy.get(1L).get("s1"));
        assertEquals("0.70", copy.get(10L).get("s2"));
        assertEquals("-348.993", copy.get(1L).get("s3"));
        assertEquals("354.900", copy.get(700L).get("s3"));
        assertEquals(hex(""), copy.get(1L).get("ch1"), "a NUL \"char\" prints as the empty string");
        assertEquals(hex("\\303"), copy.get(3L).get("ch1"), "the first byte of é in UTF-8, 0xC3, prints as \\303");
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void assertEqualRows(Map<Long, Map<String, Object>> expected, Map<Long, Map<String, Object>> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<Long, Map<String, Object>> row : expected.entrySet()) {
            for (Map.Entry<String, Object> col : row.getValue().entrySet()) {
                assertEquals(col.getValue(), actual.get(row.getKey()).get(col.getKey()),
                        "row " + row.getKey() + " column " + col.getKey());
            }
        }
    }

    /** The failure of reading {@code sql} completely through one path. */
    private SQLException failure(String sql, boolean copy) throws SQLException {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            try {
                List<Column> columns = dialect.describe(c, sql, "x");
                try (Batch root = Batch.create(columns, allocator);
                        BatchReader reader = copy ? dialect.openBulkReader(c, sql, columns)
                                : dialect.openReader(c, sql, columns)) {
                    return assertThrows(SQLException.class, () -> {
                        while (reader.read(root, 3) > 0) {
                            // until the bad value
                        }
                    });
                }
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT g, CASE WHEN g = 5 THEN 'infinity'::timestamptz ELSE now() END AS seen FROM generate_series(1, 6) g",
        "SELECT '-infinity'::date AS d",
        "SELECT ARRAY['infinity'::timestamp] AS ts",
        "SELECT 'NaN'::numeric(10,2) AS amount",
        "SELECT ARRAY[[1,2],[3,4]] AS grid",
        "SELECT '294276-12-31 23:59:59.999999'::timestamp AS far"})
    void copy_badValues_failLikeTheCursor(String sql) throws SQLException {
        SQLException cursor = failure(sql, false);
        SQLException copy = failure(sql, true);
        assertEquals(cursor.getSQLState(), copy.getSQLState(), copy.getMessage());
        // The cursor path's parse failures carry the parser's detail; everything up to it is the same.
        String prefix = cursor.getMessage().contains("could not be read")
                ? cursor.getMessage().substring(0, cursor.getMessage().indexOf("could not be read"))
                : cursor.getMessage();
        assertTrue(copy.getMessage().startsWith(prefix), copy.getMessage() + " vs " + cursor.getMessage());
    }

    @Test
    void close_beforeTheEnd_cancelsTheCopyAndTheConnectionRollsBackAndIsReusable() throws SQLException {
        String sql = "SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 2000000) g";
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            List<Column> columns = dialect.describe(c, sql, "x");
            long started = System.nanoTime();
            try (Batch root = Batch.create(columns, allocator);
                    BatchReader reader = dialect.openBulkReader(c, sql, columns)) {
                assertEquals(1000, reader.read(root, 1000));
            }
            dialect.endSnapshot(c);
            // Reading the remaining 2,000,000 rows would take seconds; the cancel ends the statement at once.
            assertTrue(System.nanoTime() - started < 30_000_000_000L);
            assertTrue(c.getAutoCommit());
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 42")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }
        }
    }

    @Test
    void copy_seesTheSnapshotOfTheTransaction() throws SQLException {
        db.execute("CREATE TABLE IF NOT EXISTS moving_copy (id int)", "TRUNCATE moving_copy",
                "INSERT INTO moving_copy VALUES (1)");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            dialect.beginSnapshot(c, SETTINGS);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM moving_copy")) {
                assertTrue(rs.next());
            }
            db.execute("INSERT INTO moving_copy VALUES (2)");
            String sql = "SELECT id FROM moving_copy";
            List<Column> columns = dialect.describe(c, sql, "x");
            try (Batch root = Batch.create(columns, allocator);
                    BatchReader reader = dialect.openBulkReader(c, sql, columns)) {
                assertEquals(1, reader.read(root, 100), "the COPY runs in the snapshot taken before the insert");
                assertEquals(0, reader.read(root, 100));
            }
            dialect.endSnapshot(c);
        }
    }

    @Test
    void statementTimeout_boundsTheWholeCopy() throws SQLException {
        // One COPY is one statement: 6 rows of 0.1 s each pass a 200 ms timeout per FETCH of 3 rows on the cursor
        // path, but not as one COPY.
        String sql = "SELECT g FROM (SELECT g, pg_sleep(0.1) FROM generate_series(1, 6) g) q";
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofMillis(200), Duration.ZERO));
            List<Column> columns = dialect.describe(c, "SELECT g FROM generate_series(1, 6) g", "x");
            try (Batch root = Batch.create(columns, allocator)) {
                SQLException e;
                try (BatchReader reader = dialect.openBulkReader(c, sql, columns)) {
                    e = assertThrows(SQLException.class, () -> reader.read(root, 3));
                }
                assertEquals("57014", e.getSQLState());
                assertFalse(dialect.isRetryable(e));
            }
            dialect.endSnapshot(c);
        }
    }

    @Test
    void bulkReader_isOfferedByTheDialect() throws SQLException {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, SETTINGS);
            String sql = "SELECT 1 AS one";
            List<Column> columns = dialect.describe(c, sql, "x");
            try (BatchReader reader = dialect.openBulkReader(c, sql, columns)) {
                assertNotNull(reader);
                assertTrue(reader instanceof PostgresCopyReader);
            }
            dialect.endSnapshot(c);
        }
    }

    @Test
    void directCopy_widensTheDriversSocketBuffer_andTheConnectionReadsOnCorrectlyAfter() throws Exception {
        String sql = "SELECT g AS id, repeat('x', g % 700) AS t FROM generate_series(1, 20000) g";
        try (Connection c = db.connect()) {
            assertEquals(8192, driverReceiveBuffer(c).length, "pgjdbc's own buffer before any COPY");
            dialect.beginSnapshot(c, SETTINGS);
            long rows = 0;
            long chars = 0;
            try {
                List<Column> columns = dialect.describe(c, sql, "copy_it");
                try (Batch root = Batch.create(columns, allocator);
                        PostgresCopyReader reader = PostgresCopyReader.open(c, sql, columns, true)) {
                    assertTrue(reader.direct());
                    int n;
                    while ((n = reader.read(root, 1000)) > 0) {
                        rows += n;
                        for (int r = 0; r < n; r++) {
                            chars += ((org.apache.arrow.vector.VarCharVector) root.getVector(1)).get(r).length;
                        }
                    }
                }
                assertEquals(CopyInput.RECEIVE_BUFFER_BYTES, driverReceiveBuffer(c).length);
                // The same connection, through the widened buffer: the protocol state is intact.
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*), sum(length(t)) FROM (" + sql + ") q")) {
                    assertTrue(rs.next());
                    assertEquals(rows, rs.getLong(1));
                    assertEquals(chars, rs.getLong(2));
                }
            } finally {
                dialect.endSnapshot(c);
            }
            assertEquals(20_000, rows);
        }
    }

    /** pgjdbc's socket read buffer of {@code c}, through the same private fields CopyInput widens. */
    private static byte[] driverReceiveBuffer(Connection c) throws Exception {
        Object executor = c.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
        java.lang.reflect.Field stream = org.postgresql.core.QueryExecutorBase.class.getDeclaredField("pgStream");
        stream.setAccessible(true);
        java.lang.reflect.Field input = org.postgresql.core.PGStream.class.getDeclaredField("pgInput");
        input.setAccessible(true);
        return ((org.postgresql.core.VisibleBufferedInputStream) input.get(stream.get(executor))).getBuffer();
    }
}
