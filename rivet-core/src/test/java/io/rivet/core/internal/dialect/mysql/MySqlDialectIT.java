package io.rivet.core.internal.dialect.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.BatchReader;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.KeysetPaging;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.testing.MySqlDatabase;
import io.rivet.core.testing.MySqlServer;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.ColumnMappingException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The MySQL dialect against a real server (MariaDB here, MySQL where {@code RIVET_TEST_MYSQL_URL} points to one):
 * session settings and their restoration, the consistent snapshot, the statement and lock limits, keyset pages,
 * character sets, zero dates and the mapping errors. Type round trips through the writers are in
 * {@code io.rivet.core.it.MySqlExportIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlDialectIT {
    MySqlDatabase db;
    BufferAllocator allocator;
    boolean mariaDb;
    final MySqlDialect dialect = new MySqlDialect();

    /** The server these tests run against. */
    MySqlServer server() {
        return TestDatabases.mysql();
    }

    @BeforeAll
    void createTables() {
        db = server().createDatabase("mysqldialect");
        mariaDb = db.server().isMariaDb();
        allocator = new RootAllocator();
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v varchar(20)) ENGINE=InnoDB",
                "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                "CREATE TABLE k (a varchar(20) COLLATE utf8mb4_unicode_ci NOT NULL, b int NOT NULL, v int NOT NULL,"
                        + " PRIMARY KEY (a, b)) ENGINE=InnoDB",
                "CREATE TABLE cube (n int PRIMARY KEY)",
                "INSERT INTO cube VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
        // Keys that need care in a literal: quotes, backslashes, case-insensitive ties, multi-byte, trailing space.
        String[] names = {"a", "B", "it's", "back\\slash", "東京", "x y", "zz", "Ö", "line\nbreak", "%_"};
        StringBuilder insert = new StringBuilder("INSERT INTO k VALUES ");
        int v = 0;
        for (int i = 0; i < names.length; i++) {
            for (int b = 1; b <= 5; b++) {
                insert.append(v == 0 ? "" : ", ").append("(_utf8mb4 X'")
                        .append(java.util.HexFormat.of().formatHex(names[i].getBytes(StandardCharsets.UTF_8)))
                        .append("', ").append(b * 10).append(", ").append(v++).append(')');
            }
        }
        db.execute(insert.toString());
    }

    @AfterAll
    void drop() {
        if (allocator != null) {
            allocator.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private String limitVariable() {
        return mariaDb ? "max_statement_time" : "max_execution_time";
    }

    static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void snapshot_isUtcReadOnlyRepeatableReadWithTheProfilesLimits_andEndRestoresTheSession() throws Exception {
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION time_zone = '+05:00', SESSION lock_wait_timeout = 77,"
                        + " SESSION innodb_lock_wait_timeout = 33, SESSION " + limitVariable() + " = 0");
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofMillis(2500), Duration.ofMillis(1200)));
            assertFalse(c.getAutoCommit());
            assertEquals("+00:00", scalar(c, "SELECT @@session.time_zone"));
            assertEquals(mariaDb ? 2.5 : 2500, Double.parseDouble(scalar(c, "SELECT @@session." + limitVariable())));
            assertEquals("2", scalar(c, "SELECT @@session.lock_wait_timeout"));
            assertEquals("2", scalar(c, "SELECT @@session.innodb_lock_wait_timeout"));
            assertEquals("3", scalar(c, "SELECT COUNT(*) FROM t"));
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT trx_isolation_level,"
                    + " trx_is_read_only FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()")) {
                assertTrue(rs.next(), "the snapshot is an open InnoDB transaction");
                assertEquals("REPEATABLE READ", rs.getString(1));
                assertEquals(1, rs.getInt(2));
            }
            SQLException write = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (99, 'no')");
                }
            });
            assertEquals(1792, write.getErrorCode(), write.getMessage());
            dialect.endSnapshot(c);

            assertTrue(c.getAutoCommit());
            assertEquals("+05:00", scalar(c, "SELECT @@session.time_zone"));
            assertEquals("77", scalar(c, "SELECT @@session.lock_wait_timeout"));
            assertEquals("33", scalar(c, "SELECT @@session.innodb_lock_wait_timeout"));
            assertEquals(0.0, Double.parseDouble(scalar(c, "SELECT @@session." + limitVariable())));
            assertEquals("READ-COMMITTED", scalar(c, mariaDb ? "SELECT @@session.tx_isolation"
                    : "SELECT @@session.transaction_isolation"));
            assertNull(scalar(c, "SELECT @rivet_saved_time_zone"));
            assertEquals("3", scalar(c, "SELECT COUNT(*) FROM t"), "back in auto-commit, the row is not written");
        }
    }

    @Test
    void zeroLockTimeout_leavesTheServersLockWaitAlone() throws Exception {
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION lock_wait_timeout = 77");
            }
            dialect.beginSnapshot(c, new SessionSettings(Duration.ZERO, Duration.ZERO));
            assertEquals("77", scalar(c, "SELECT @@session.lock_wait_timeout"));
            assertEquals(0.0, Double.parseDouble(scalar(c, "SELECT @@session." + limitVariable())));
            dialect.endSnapshot(c);
        }
    }

    @Test
    void snapshot_isConsistentAcrossStatements() throws Exception {
        db.execute("CREATE TABLE snap (id int PRIMARY KEY)", "INSERT INTO snap VALUES (1)");
        try (Connection c = db.connect(); Connection other = db.connect()) {
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofSeconds(30), Duration.ofSeconds(5)));
            try {
                try (Statement s = other.createStatement()) {
                    s.executeUpdate("INSERT INTO snap VALUES (2)");
                }
                // WITH CONSISTENT SNAPSHOT took the read view at START TRANSACTION, before the other insert.
                assertEquals("1", scalar(c, "SELECT COUNT(*) FROM snap"));
                assertEquals("1", scalar(c, "SELECT MAX(id) FROM snap"));
            } finally {
                dialect.endSnapshot(c);
            }
            assertEquals("2", scalar(c, "SELECT COUNT(*) FROM snap"));
        }
    }

    @Test
    void statementLimit_stopsALongStatementAsAPermanentError() throws Exception {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofMillis(300), Duration.ofSeconds(5)));
            try {
                SQLException e = assertThrows(SQLException.class, () -> scalar(c,
                        "SELECT COUNT(*) FROM cube a, cube b, cube c, cube d, cube e, cube f, cube g, cube h, cube i"));
                assertEquals(mariaDb ? 1969 : 3024, e.getErrorCode(), e.getMessage());
                assertFalse(dialect.isRetryable(e));
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void lockTimeout_boundsAWaitForAMetadataLockAsARetryableError() throws Exception {
        db.execute("CREATE TABLE locked (id int PRIMARY KEY)", "INSERT INTO locked VALUES (1)");
        try (Connection c = db.connect(); Connection holder = db.connect()) {
            try (Statement s = holder.createStatement()) {
                // An exclusive table lock, as a running ALTER TABLE holds: readers wait for the metadata lock.
                s.execute("LOCK TABLES locked WRITE");
            }
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofSeconds(30), Duration.ofSeconds(1)));
            try {
                // Without the profile's lock timeout this would wait for the server default (a day or a year).
                SQLException e = assertThrows(SQLException.class, () -> scalar(c, "SELECT COUNT(*) FROM locked"));
                assertEquals(1205, e.getErrorCode(), e.getMessage());
                assertTrue(dialect.isRetryable(e));
            } finally {
                dialect.endSnapshot(c);
                try (Statement s = holder.createStatement()) {
                    s.execute("UNLOCK TABLES");
                }
            }
        }
    }

    @Test
    void keysetPages_readEveryRowOnceInKeyOrder_withAwkwardKeysAndAFilter() throws Exception {
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofSeconds(30), Duration.ofSeconds(5)));
            try {
                List<Column> columns = dialect.describe(c, "SELECT * FROM `k`", "keys");
                List<String> expected = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT a, b, v FROM k ORDER BY a, b")) {
                    while (rs.next()) {
                        expected.add(rs.getString(1) + "|" + rs.getInt(2) + "|" + rs.getInt(3));
                    }
                }
                assertEquals(50, expected.size());
                KeysetPaging all = new KeysetPaging("`k`", null, List.of("a", "b"));
                for (int pageRows : new int[] {1, 3, 7, 50, 100}) {
                    assertEquals(expected, readAll(c, "SELECT * FROM `k`", all, columns, pageRows), "pages of "
                            + pageRows);
                }
                KeysetPaging filtered = new KeysetPaging("`k`", "`v` % 3 = 0", List.of("a", "b"));
                List<String> every3rd = expected.stream().filter(r -> Integer.parseInt(r.split("\\|")[2]) % 3 == 0)
                        .toList();
                assertEquals(every3rd, readAll(c, "unused", filtered, columns, 4));
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    void keysetPages_allReadTheSnapshotOfTheTransaction_notRowsCommittedBetweenPages() throws Exception {
        db.execute("CREATE TABLE growing (id int PRIMARY KEY, v int)",
                "INSERT INTO growing SELECT n, n FROM (SELECT a.n * 10 + b.n AS n FROM cube a, cube b) x");
        try (Connection c = db.connect(); Connection other = db.connect()) {
            dialect.beginSnapshot(c, new SessionSettings(Duration.ofSeconds(30), Duration.ofSeconds(5)));
            try {
                List<Column> columns = dialect.describe(c, "SELECT * FROM growing", "growing");
                try (BatchReader r = dialect.openReader(c, "SELECT * FROM growing",
                        new KeysetPaging("`growing`", null, List.of("id")), columns);
                        Batch root = Batch.create(columns, allocator)) {
                    long total = r.read(root, 30);
                    try (Statement s = other.createStatement()) {
                        // Between two page statements: a new row after the last key read, and a changed one.
                        s.executeUpdate("INSERT INTO growing VALUES (1000, 1000)");
                        s.executeUpdate("UPDATE growing SET v = -1 WHERE id = 99");
                    }
                    long sumV = 0;
                    int n;
                    while ((n = r.read(root, 30)) > 0) {
                        total += n;
                        IntVector v = (IntVector) root.getVector(1);
                        for (int i = 0; i < n; i++) {
                            sumV += v.get(i);
                        }
                    }
                    assertEquals(100, total);
                    assertEquals((30 + 99) * 70 / 2, sumV, "later pages see the values as of the snapshot");
                }
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    void keysThatCannotBeLiterals_areReadInOneStatementInstead() throws Exception {
        db.execute("CREATE TABLE bitkey (b bit(8) PRIMARY KEY, v int)", "INSERT INTO bitkey VALUES (b'1', 1), (b'10', 2),"
                + " (b'11111111', 3)");
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, null);
            try {
                List<Column> columns = dialect.describe(c, "SELECT * FROM bitkey", "bitkey");
                assertEquals(List.of("1|1", "2|2", "255|3"), readAll(c, "SELECT * FROM bitkey ORDER BY b",
                        new KeysetPaging("`bitkey`", null, List.of("b")), columns, 1));
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    void textInAnotherCharacterSet_arrivesAsUtf8() throws Exception {
        db.execute("CREATE TABLE latin (id int PRIMARY KEY, l varchar(20) CHARACTER SET latin1, u text,"
                + " g varchar(20) CHARACTER SET greek)",
                "INSERT INTO latin VALUES (1, 'café Ø ½', 'naïve 東京 😀', 'αβγ'), (2, '', NULL, NULL)");
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, null);
            try {
                List<Column> columns = dialect.describe(c, "SELECT * FROM latin", "latin");
                assertEquals(ColumnType.STRING, columns.get(1).type());
                assertEquals(List.of("1|café Ø ½|naïve 東京 😀|αβγ", "2||null|null"),
                        readAll(c, "SELECT * FROM latin ORDER BY id", null, columns, 10));
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    void zeroDates_failByDefault_andAreNullWithConvertToNull() throws Exception {
        db.execute("CREATE TABLE zd (id int PRIMARY KEY, d date, dt datetime, ts timestamp NULL)");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_mode = ''");
            s.execute("INSERT INTO zd VALUES (1, '0000-00-00', '2024-01-01 00:00:00', NULL),"
                    + " (2, '2024-05-06', '0000-00-00 00:00:00', '0000-00-00 00:00:00'), (3, '2024-00-10', NULL, NULL)");
        }
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, null);
            try {
                List<Column> columns = dialect.describe(c, "SELECT * FROM zd", "zd");
                SQLDataException e = assertThrows(SQLDataException.class,
                        () -> readAll(c, "SELECT * FROM zd ORDER BY id", null, columns, 10));
                assertEquals("22007", e.getSQLState());
                assertTrue(e.getMessage().contains("\"d\"") && e.getMessage().contains("zeroDateTimeBehavior"),
                        e.getMessage());
            } finally {
                dialect.endSnapshot(c);
            }
        }
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "zeroDateTimeBehavior=CONVERT_TO_NULL";
        try (Connection c = java.sql.DriverManager.getConnection(url, db.user(), db.password())) {
            dialect.beginSnapshot(c, null);
            try {
                List<Column> columns = dialect.describe(c, "SELECT * FROM zd", "zd");
                assertEquals(List.of("1|null|1704067200000000|null", "2|19849|null|null", "3|null|null|null"),
                        readAll(c, "SELECT * FROM zd ORDER BY id", null, columns, 2));
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    void tinyint1OutsideZeroAndOne_failsRatherThanBecomingTrue() throws Exception {
        db.execute("CREATE TABLE flags (id int PRIMARY KEY, f tinyint(1), g bool)",
                "INSERT INTO flags VALUES (1, 1, 0), (2, 0, 1), (3, 2, NULL)");
        try (Connection c = db.connect()) {
            dialect.beginSnapshot(c, null);
            try {
                List<Column> columns = dialect.describe(c, "SELECT * FROM flags", "flags");
                assertEquals(ColumnType.BOOLEAN, columns.get(1).type());
                assertEquals(ColumnType.BOOLEAN, columns.get(2).type());
                assertEquals(List.of("1|true|false", "2|false|true"),
                        readAll(c, "SELECT * FROM flags WHERE id < 3 ORDER BY id", null, columns, 10));
                SQLDataException e = assertThrows(SQLDataException.class,
                        () -> readAll(c, "SELECT * FROM flags ORDER BY id", null, columns, 10));
                assertEquals("22003", e.getSQLState());
                assertTrue(e.getMessage().contains("\"f\"") && !e.getMessage().contains(" 2 "), e.getMessage());
            } finally {
                dialect.endSnapshot(c);
            }
        }
    }

    @Test
    void describe_namesEveryUnmappableColumnWithAConversion() throws Exception {
        db.execute("CREATE TABLE geo (id int PRIMARY KEY, p point, g geometry)");
        try (Connection c = db.connect()) {
            ColumnMappingException e = assertThrows(ColumnMappingException.class,
                    () -> dialect.describe(c, "SELECT * FROM geo", "geo_export"));
            assertEquals("p", e.column());
            assertTrue(e.getMessage().contains("\"p\"") && e.getMessage().contains("\"g\"")
                    && e.getMessage().contains("ST_AsText(p)"), e.getMessage());
        }
    }

    @Test
    void describe_mapsJsonOnBothServers_andOtherLongtextAsString() throws Exception {
        db.execute("CREATE TABLE docs (id int PRIMARY KEY, j json, lt longtext, bl longblob)");
        try (Connection c = db.connect()) {
            List<Column> columns = dialect.describe(c, "SELECT * FROM docs", "docs");
            assertEquals(ColumnType.JSON, columns.get(1).type());
            assertEquals("json", columns.get(1).sourceTypeName());
            assertEquals(ColumnType.STRING, columns.get(2).type());
            assertEquals(ColumnType.BINARY, columns.get(3).type());
            // Through a query, with an alias: the column still comes from docs.j.
            List<Column> aliased = dialect.describe(c, "SELECT d.j AS payload, d.id FROM docs d WHERE d.id > 0",
                    "docs");
            assertEquals(ColumnType.JSON, aliased.get(0).type());
            assertEquals("payload", aliased.get(0).name());
        }
    }

    @Test
    void closingAnUnfinishedStream_cancelsItAndLeavesTheConnectionUsable() throws Exception {
        db.execute("CREATE TABLE many (id int PRIMARY KEY, pad varchar(100))",
                "INSERT INTO many SELECT a.n * 1000 + b.n * 100 + c.n * 10 + d.n, REPEAT('x', 100)"
                        + " FROM cube a, cube b, cube c, cube d");
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource());
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection c = pool.getConnection()) {
                dialect.beginSnapshot(c, null);
                try {
                    List<Column> columns = dialect.describe(c, "SELECT * FROM many CROSS JOIN cube", "many");
                    try (BatchReader r = dialect.openReader(c, "SELECT * FROM many CROSS JOIN cube", columns);
                            Batch root = Batch.create(columns, allocator)) {
                        assertEquals(10, r.read(root, 10));
                    }
                    assertEquals("1", scalar(c, "SELECT 1"));
                } finally {
                    dialect.endSnapshot(c);
                }
            }
            try (Connection again = pool.getConnection()) {
                assertTrue(again.getAutoCommit());
                assertEquals("10000", scalar(again, "SELECT COUNT(*) FROM many"));
            }
        }
    }

    @Test
    void primaryKeys_andEstimates_comeFromTheCatalog() throws Exception {
        try (Connection c = db.connect()) {
            assertEquals(List.of("a", "b"), dialect.primaryKeyColumns(c, "k"));
            assertEquals(List.of(), dialect.primaryKey(c, "k"));
            assertEquals(List.of("id"), dialect.primaryKey(c, db.name() + ".t"));
            assertEquals(List.of(), dialect.primaryKeyColumns(c, "no_such_table"));
            assertTrue(dialect.estimateRows(c, "k") >= 0);
            assertEquals(-1, dialect.estimateRows(c, "no_such_table"));
        }
    }

    /** Reads everything into rows rendered as {@code v1|v2|...} ("null" for NULL), in pages of {@code maxRows}. */
    private List<String> readAll(Connection c, String sql, KeysetPaging paging, List<Column> columns, int maxRows)
            throws SQLException {
        List<String> rows = new ArrayList<>();
        try (BatchReader r = dialect.openReader(c, sql, paging, columns);
                Batch root = Batch.create(columns, allocator)) {
            int n;
            while ((n = r.read(root, maxRows)) > 0) {
                assertTrue(n <= maxRows);
                for (int i = 0; i < n; i++) {
                    StringBuilder b = new StringBuilder();
                    for (int col = 0; col < columns.size(); col++) {
                        FieldVector v = root.getVector(col);
                        Object o = v.getObject(i);
                        b.append(col == 0 ? "" : "|").append(o == null ? "null" : render(o));
                    }
                    rows.add(b.toString());
                }
            }
            assertEquals(0, r.read(root, maxRows), "an exhausted reader stays exhausted");
        }
        return rows;
    }

    private static String render(Object o) {
        if (o instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (o instanceof java.time.LocalDateTime t) {
            return Long.toString(java.time.temporal.ChronoUnit.MICROS.between(
                    java.time.LocalDateTime.of(1970, 1, 1, 0, 0), t));
        }
        if (o instanceof java.time.LocalDate d) {
            return Long.toString(d.toEpochDay());
        }
        return String.valueOf(o);
    }
}
