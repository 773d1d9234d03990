package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.DataSize;
import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.MySqlDatabase;
import io.rivet.core.testing.MySqlServer;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.state.RunStatus;
import io.rivet.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every mode, end to end, against a real MySQL or MariaDB (the local MariaDB here; {@link MySql8ExportIT} runs the same
 * tests against MySQL 8 where Docker exists), with each output read back by DuckDB and compared with the server's own
 * rendering of every value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlExportIT {
    /** Rows 1..N of a digits cross join: portable between MySQL 8 and MariaDB, no recursion limits. */
    private static final String SEQ = "(SELECT a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n + 100000 * f.n"
            + " + 1 AS n FROM digits a, digits b, digits c, digits d, digits e, digits f) seq";

    MySqlDatabase db;
    DuckDb duck;
    @TempDir
    Path out;
    Rivet rivet;

    /** The server these tests run against. */
    MySqlServer server() {
        return TestDatabases.mysql();
    }

    @BeforeAll
    void createTables() {
        db = server().createDatabase("export_it");
        duck = new DuckDb();
        db.execute("SET time_zone = '+00:00'",
                "CREATE TABLE digits (n int PRIMARY KEY)",
                "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)",
                "CREATE TABLE items (id bigint PRIMARY KEY, grp int NOT NULL, name varchar(100), amount decimal(12,2),"
                        + " score double, flag tinyint(1), created_at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                        + " day date, payload json, uid binary(16))",
                "INSERT INTO items SELECT n, n % 7, CASE WHEN n % 11 = 0 THEN NULL WHEN n % 13 = 0 THEN ''"
                        + " ELSE CONCAT('name ', n, REPEAT('é', n % 5)) END,"
                        + " CASE WHEN n % 5 = 0 THEN NULL ELSE n * 1.25 - 500 END, n / 3.0e0,"
                        + " CASE WHEN n % 3 = 0 THEN NULL ELSE n % 2 = 0 END,"
                        + " TIMESTAMP('2024-01-01 00:00:00') + INTERVAL n MINUTE + INTERVAL n * 7 MICROSECOND,"
                        + " DATE('1969-12-25') + INTERVAL n DAY,"
                        + " CASE WHEN n % 4 = 0 THEN NULL ELSE JSON_OBJECT('g', n, 'k', CONCAT('v', n)) END,"
                        + " UNHEX(MD5(n)) FROM " + SEQ + " WHERE n <= 2500",
                "CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, s varchar(20) NOT NULL)",
                "INSERT INTO big SELECT n, n * 7919 % 1000, CONCAT('row-', n) FROM " + SEQ + " WHERE n <= 300000",
                "CREATE TABLE nullable_key (k int, v varchar(5))",
                "INSERT INTO nullable_key VALUES (1, 'a'), (NULL, 'b'), (3, 'c')",
                "CREATE TABLE tenants (tenant varchar(20) NOT NULL, seq int NOT NULL, v varchar(30),"
                        + " PRIMARY KEY (tenant, seq))",
                "INSERT INTO tenants SELECT ELT(1 + n % 5, 'acme', 'Bolt', 'it''s', 'back\\\\slash', '東京'), n,"
                        + " CONCAT('v', n) FROM " + SEQ + " WHERE n <= 1234");
        createTypesTable();
    }

    @AfterAll
    void dropTables() {
        if (duck != null) {
            duck.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void engine() {
        rivet = Rivet.builder().stateStore(StateStores.file(out.resolve(".rivet"))).build();
    }

    @AfterEach
    void closeEngine() {
        rivet.stateStore().close();
        rivet.close();
    }

    Export.Builder export(String name, String format) {
        return Export.builder().name(name).source(Source.builder().url(db.jdbcUrl()).user(db.user())
                        .password(db.password()).build())
                .format(format.equals("csv") ? Format.csv() : Format.parquet()).sink(Sink.local(out));
    }

    // ------------------------------------------------------------------ types

    /**
     * One column of the types table: how MySQL renders a value (its own SQL, {@code {c}} is the column), how DuckDB
     * renders what it read from Parquet, and a normaliser applied to both (for floats: the value, not its spelling).
     */
    private record Spec(String column, String ddl, String mysql, String duckParquet, UnaryOperator<String> mysqlNorm,
            UnaryOperator<String> duckNorm) {
        static Spec of(String column, String ddl, String mysql, String duckParquet) {
            return new Spec(column, ddl, mysql, duckParquet, UnaryOperator.identity(), UnaryOperator.identity());
        }
    }

    private static final String TEXT = "CAST({c} AS CHAR)";
    private static final String NUM = "CAST({c} + 0 AS CHAR)";
    private static final String DUCK_TEXT = "{c}::text";
    private static final UnaryOperator<String> FLOAT = s -> s == null ? null
            : Float.toString((float) Double.parseDouble(s));
    private static final UnaryOperator<String> DOUBLE = s -> s == null ? null
            : Double.toString(Double.parseDouble(s));
    private static final Pattern TIME = Pattern.compile("(-?)(\\d+):(\\d\\d):(\\d\\d)(?:\\.(\\d{1,6}))?");
    /** MySQL's TIME text as signed microseconds, parsed independently of the dialect's own parser. */
    private static final UnaryOperator<String> TIME_MICROS = s -> {
        if (s == null) {
            return null;
        }
        Matcher m = TIME.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(s);
        }
        String frac = m.group(5) == null ? "" : m.group(5);
        long micros = ((Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3))) * 60
                + Long.parseLong(m.group(4))) * 1_000_000L + (frac.isEmpty() ? 0 : Long.parseLong((frac + "00000")
                .substring(0, 6)));
        return Long.toString(m.group(1).isEmpty() ? micros : -micros);
    };

    private static final List<Spec> TYPES = List.of(
            Spec.of("b1", "tinyint(1)", "CASE WHEN {c} IS NULL THEN NULL WHEN {c} <> 0 THEN 'true' ELSE 'false' END",
                    DUCK_TEXT),
            Spec.of("bo", "bool", "CASE WHEN {c} IS NULL THEN NULL WHEN {c} <> 0 THEN 'true' ELSE 'false' END",
                    DUCK_TEXT),
            Spec.of("ti", "tinyint", NUM, DUCK_TEXT),
            Spec.of("tu", "tinyint unsigned", NUM, DUCK_TEXT),
            Spec.of("si", "smallint", NUM, DUCK_TEXT),
            Spec.of("su", "smallint unsigned", NUM, DUCK_TEXT),
            Spec.of("mi", "mediumint", NUM, DUCK_TEXT),
            Spec.of("mu", "mediumint unsigned", NUM, DUCK_TEXT),
            Spec.of("i", "int", NUM, DUCK_TEXT),
            Spec.of("iu", "int unsigned", NUM, DUCK_TEXT),
            Spec.of("bi", "bigint", NUM, DUCK_TEXT),
            Spec.of("bu", "bigint unsigned", NUM, DUCK_TEXT),
            new Spec("f", "float", "CAST(CAST({c} AS DOUBLE) AS CHAR)", DUCK_TEXT, FLOAT, FLOAT),
            new Spec("d", "double", TEXT, DUCK_TEXT, DOUBLE, DOUBLE),
            Spec.of("d1", "decimal(12,2)", TEXT, DUCK_TEXT),
            Spec.of("d2", "decimal(38,10)", TEXT, DUCK_TEXT),
            Spec.of("d3", "decimal(65,30)", TEXT, DUCK_TEXT),
            Spec.of("du", "decimal(10,4) unsigned", TEXT, DUCK_TEXT),
            Spec.of("d0", "decimal(5,0)", TEXT, DUCK_TEXT),
            Spec.of("c", "char(10)", "{c}", DUCK_TEXT),
            Spec.of("v", "varchar(60)", "{c}", DUCK_TEXT),
            Spec.of("tx", "text", "{c}", DUCK_TEXT),
            Spec.of("mt", "mediumtext", "{c}", DUCK_TEXT),
            Spec.of("l1", "varchar(20) CHARACTER SET latin1", "{c}", DUCK_TEXT),
            Spec.of("bn", "binary(4)", "LOWER(HEX({c}))", "lower(hex({c}))"),
            Spec.of("vb", "varbinary(20)", "LOWER(HEX({c}))", "lower(hex({c}))"),
            Spec.of("bl", "blob", "LOWER(HEX({c}))", "lower(hex({c}))"),
            Spec.of("dt", "date", TEXT, DUCK_TEXT),
            Spec.of("dtm", "datetime", "DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%s.%f')",
                    "strftime({c}, '%Y-%m-%dT%H:%M:%S.%f')"),
            Spec.of("dt3", "datetime(3)", "DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%s.%f')",
                    "strftime({c}, '%Y-%m-%dT%H:%M:%S.%f')"),
            Spec.of("dt6", "datetime(6)", "DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%s.%f')",
                    "strftime({c}, '%Y-%m-%dT%H:%M:%S.%f')"),
            Spec.of("ts", "timestamp(6) NULL", "DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%s.%fZ')",
                    "strftime(make_timestamp(epoch_us({c})), '%Y-%m-%dT%H:%M:%S.%fZ')"),
            Spec.of("ts0", "timestamp NULL", "DATE_FORMAT({c}, '%Y-%m-%dT%H:%i:%s.%fZ')",
                    "strftime(make_timestamp(epoch_us({c})), '%Y-%m-%dT%H:%M:%S.%fZ')"),
            new Spec("tm", "time", TEXT, DUCK_TEXT, TIME_MICROS, UnaryOperator.identity()),
            new Spec("tm6", "time(6)", TEXT, DUCK_TEXT, TIME_MICROS, UnaryOperator.identity()),
            Spec.of("yr", "year", NUM, DUCK_TEXT),
            Spec.of("bt1", "bit(1)", "CASE WHEN {c} IS NULL THEN NULL WHEN {c} = b'1' THEN 'true' ELSE 'false' END",
                    DUCK_TEXT),
            Spec.of("bt10", "bit(10)", NUM, DUCK_TEXT),
            Spec.of("bt64", "bit(64)", NUM, DUCK_TEXT),
            Spec.of("j", "json", "{c}", DUCK_TEXT),
            Spec.of("e", "enum('small','medium','large','x-large')", "{c}", DUCK_TEXT),
            Spec.of("st", "set('red','green','blue')", "{c}", DUCK_TEXT));

    private void createTypesTable() {
        StringBuilder ddl = new StringBuilder("CREATE TABLE all_types (id int PRIMARY KEY");
        for (Spec s : TYPES) {
            ddl.append(", ").append(s.column()).append(' ').append(s.ddl());
        }
        ddl.append(')');
        String cols = "id, " + String.join(", ", TYPES.stream().map(Spec::column).toList());
        db.execute("SET time_zone = '+00:00'", ddl.toString(),
                // 1: minimums and empties
                "INSERT INTO all_types (" + cols + ") VALUES (1, 0, 0, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0,"
                        + " -9223372036854775808, 0, -3.4028234e38, -1.7976931348623157e308, -9999999999.99,"
                        + " -9999999999999999999999999999.9999999999,"
                        + " -99999999999999999999999999999999999.999999999999999999999999999999, 0, -99999,"
                        + " '', '', '', '', '', 0x00000000, '', '', '1000-01-01', '1000-01-01 00:00:00',"
                        + " '1000-01-01 00:00:00.000', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000000',"
                        + " '1970-01-01 00:00:01', '-838:59:59', '-838:59:59.000000', 1901, b'0', b'0', b'0', '[]',"
                        + " 'small', '')",
                // 2: maximums
                "INSERT INTO all_types (" + cols + ") VALUES (2, 1, 1, 127, 255, 32767, 65535, 8388607, 16777215,"
                        + " 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 3.4028234e38,"
                        + " 1.7976931348623157e308, 9999999999.99, 9999999999999999999999999999.9999999999,"
                        + " 99999999999999999999999999999999999.999999999999999999999999999999, 999999.9999, 99999,"
                        + " 'abcdefghij', REPEAT('ä東😀', 20), REPEAT('long text ', 3000), REPEAT('m', 70000),"
                        + " 'ÿøÆ', 0xffffffff, 0xffffffffffffffffffffffffffffffffffffffff, REPEAT(0xff00, 1000),"
                        + " '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999',"
                        + " '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '2038-01-19 03:14:07',"
                        + " '838:59:59', '838:59:59.000000', 2155, b'1', b'1111111111', 0xffffffffffffffff,"
                        + " '{\"a\": [1, 2.5, \"x\", null, true], \"é\": {\"b\": \"\\\\\"q\\\\\"\"}}', 'x-large',"
                        + " 'red,green,blue')",
                // 3: values in between that trip parsers: fractions, signs, escapes, subnormals, year zero
                "INSERT INTO all_types (" + cols + ") VALUES (3, 1, 0, -1, 1, -1, 1, -1, 1, -1, 1, -1,"
                        + " 9223372036854775808, 1.17549435e-38, 4.9e-324, -0.05, 0.0000000001,"
                        + " 0.000000000000000000000000000001, 0.0001, 0, 'a ''q''', 'tab\\tnew\\nline\\\\ \"dq\"',"
                        + " 'x', 'y', 'Ø', 0x0a000000, 0x00, 0x5c27, '1969-12-31', '1969-12-31 23:59:59',"
                        + " '2024-02-29 12:00:00.5', '2024-02-29 12:00:00.000001', '2024-06-30 23:59:59.123456',"
                        + " '2000-01-01 00:00:00', '-00:00:01', '-00:00:00.500000', 0, b'0', b'1010',"
                        + " 9223372036854775808, '\"just a string\"', 'medium', 'blue')",
                // 4: NULL in every column
                "INSERT INTO all_types (id) VALUES (4)",
                // 5..200: ordinary values, so batches of 7 rows cross many boundaries
                "INSERT INTO all_types (" + cols + ") SELECT n, n % 2, 1 - n % 2, n % 100 - 50, n % 200, n * 13 - 900,"
                        + " n * 300, n * 40000 - 4000000, n * 80000, n * 1000003 - 100000000, n * 20000000,"
                        + " n * 45035996273 - 4503599627370496, CAST(n AS UNSIGNED) * 92233720368547758, n / 7.0e0, n / 3.0e0,"
                        + " n * 1.37 - 100, n / 8.0, n / 3.0, n / 16.0, n, CONCAT('c', n), CONCAT('v', n, 'é'),"
                        + " REPEAT('t', n), CONCAT('m', n), CONCAT('l', n, 'ß'), UNHEX(LPAD(HEX(n), 8, '0')),"
                        + " UNHEX(HEX(n * n)), UNHEX(REPEAT('ab', n % 10)), DATE('1999-12-30') + INTERVAL n * 37 DAY,"
                        + " TIMESTAMP('2001-02-03 04:05:06') + INTERVAL n HOUR,"
                        + " TIMESTAMP('2001-02-03 04:05:06.789') + INTERVAL n * 1001000 MICROSECOND,"
                        + " TIMESTAMP('2001-02-03 04:05:06') + INTERVAL n * 1234567 MICROSECOND,"
                        + " TIMESTAMP('2020-01-01 00:00:00') + INTERVAL n * 3333333 MICROSECOND,"
                        + " TIMESTAMP('2020-01-01 00:00:00') + INTERVAL n MINUTE, SEC_TO_TIME(n * 4567 - 400000),"
                        + " SEC_TO_TIME(n * 3600 - 360000) + INTERVAL n MICROSECOND, 1900 + n % 250 + 1, n % 2,"
                        + " n * 5, n * 123456789, JSON_OBJECT('n', n, 'list', JSON_ARRAY(n, CONCAT('s', n))),"
                        + " ELT(1 + n % 4, 'small', 'medium', 'large', 'x-large'),"
                        + " ELT(1 + n % 3, 'red', 'red,green', '') FROM " + SEQ + " WHERE n BETWEEN 5 AND 200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void everyType_roundTripsAsTheServerRendersIt(String format) throws Exception {
        ExportResult r = rivet.run(export("types_" + format, format).table("all_types").batchRows(7).build());
        assertEquals(200, r.rows());

        List<String> mysqlExprs = new ArrayList<>(List.of("CAST(id AS CHAR)"));
        List<String> duckExprs = new ArrayList<>(List.of("id::text"));
        for (Spec s : TYPES) {
            mysqlExprs.add(s.mysql().replace("{c}", s.column()));
            duckExprs.add(format.equals("csv") ? s.column() : s.duckParquet().replace("{c}", s.column()));
        }
        List<List<String>> expected = mysqlRows("SELECT " + String.join(", ", mysqlExprs)
                + " FROM all_types ORDER BY id");
        String from = format.equals("csv") ? csvAllVarchar(r) : readFunction(r, "parquet");
        List<List<String>> actual = duck.rows("SELECT " + String.join(", ", duckExprs) + " FROM " + from
                + " ORDER BY id::int");
        assertEquals(expected.size(), actual.size());
        for (int row = 0; row < expected.size(); row++) {
            for (int c = 0; c < TYPES.size(); c++) {
                Spec s = TYPES.get(c);
                String want = s.mysqlNorm().apply(expected.get(row).get(c + 1));
                String got = s.duckNorm().apply(actual.get(row).get(c + 1));
                assertEquals(want, got, "row id " + expected.get(row).get(0) + ", column " + s.column() + " ("
                        + s.ddl() + "), " + format);
            }
        }
        if (format.equals("parquet")) {
            assertEquals(List.of(List.of("BOOLEAN"), List.of("SMALLINT"), List.of("DECIMAL(20,0)"),
                    List.of("FLOAT"), List.of("VARCHAR"), List.of("BIGINT"), List.of("JSON"), List.of("TIMESTAMP WITH TIME ZONE")),
                    duck.rows("SELECT column_type FROM (DESCRIBE SELECT b1, ti, bu, f, d3, tm, j, ts FROM "
                            + readFunction(r, "parquet") + ") t"));
        }
    }

    // ------------------------------------------------------------------ full

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void full_exportsEveryRowWithItsValues(String format) throws Exception {
        ExportResult r = rivet.run(export("items_full_" + format, format).table("items").batchRows(333).build());

        assertEquals(RunStatus.SUCCEEDED, r.status());
        assertEquals(2500, r.rows());
        assertEquals(expectedItems("SELECT * FROM items"), exportedItems(r, format));
        assertOnlyManifestFilesVisible(r);
    }

    @Test
    void full_ofAQuery_streamsItInOneStatement() throws Exception {
        ExportResult r = rivet.run(export("items_query", "parquet")
                .query("SELECT id, name, amount FROM items WHERE grp = 3").build());
        assertEquals(mysqlRows("SELECT COUNT(*), SUM(id), SUM(amount) FROM items WHERE grp = 3"),
                duck.rows("SELECT count(*)::text, sum(id)::text, sum(amount)::text FROM " + readFunction(r, "parquet")));
    }

    // ------------------------------------------------------------------ incremental

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void incremental_secondRunPicksUpExactlyTheNewRowsIncludingTies(String format) throws Exception {
        String table = "events_inc_" + format;
        db.execute("SET time_zone = '+00:00'",
                "CREATE TABLE " + table + " (id bigint PRIMARY KEY, updated_at timestamp(6) NOT NULL, v varchar(20))",
                "INSERT INTO " + table + " SELECT n, TIMESTAMP('2024-03-01 00:00:00') + INTERVAL n DIV 10 SECOND,"
                        + " CONCAT('v', n) FROM " + SEQ + " WHERE n <= 1000");
        Export e = export("inc_" + format, format).table(table)
                .mode(Mode.incremental("updated_at").tieBreaker("id")).build();

        ExportResult first = rivet.run(e);
        assertEquals(1000, first.rows());

        db.execute("INSERT INTO " + table + " SELECT n, (SELECT MAX(updated_at) FROM " + table + " x), CONCAT('tie', n)"
                        + " FROM " + SEQ + " WHERE n BETWEEN 1001 AND 1010",
                "SET time_zone = '+00:00'",
                "INSERT INTO " + table + " SELECT n, TIMESTAMP('2024-04-01 00:00:00'), CONCAT('late', n)"
                        + " FROM " + SEQ + " WHERE n BETWEEN 1011 AND 1030");
        ExportResult second = rivet.run(e);
        assertEquals(30, second.rows());
        assertEquals(mysqlRows("SELECT COUNT(*), MIN(id), MAX(id) FROM " + table + " WHERE id > 1000"),
                duck.rows("SELECT count(*)::text, min(id)::text, max(id)::text FROM " + readFunction(second, format)));

        ExportResult third = rivet.run(e);
        assertEquals(0, third.rows());
        assertEquals(RunStatus.SUCCEEDED, third.status());
    }

    // ------------------------------------------------------------------ chunked

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void chunked_parallelWorkersWriteEveryRowOnceAndRollFiles(String format) throws Exception {
        ExportResult r = rivet.run(export("items_chunked_" + format, format).table("items")
                .mode(Mode.chunked("id").chunkSize(400).parallelism(3)).maxFileSize(DataSize.ofKibibytes(8))
                .batchRows(100).build());

        assertEquals(2500, r.rows());
        assertEquals(7, r.chunks());
        assertTrue(r.files().size() > 7, "max_file_size rolls chunks into several files: " + r.files().size());
        assertEquals(expectedItems("SELECT * FROM items"), exportedItems(r, format));
        assertOnlyManifestFilesVisible(r);
    }

    @Test
    void chunked_defaultsToThePrimaryKeyAndHandlesManyRowsInParallel() throws Exception {
        ExportResult r = rivet.run(export("big", "parquet").table("big")
                .mode(Mode.chunked().chunkSize(50_000).parallelism(3)).profile(Profile.FAST).build());

        assertEquals(300_000, r.rows());
        assertEquals(6, r.chunks());
        assertEquals(mysqlRows("SELECT CAST(COUNT(*) AS CHAR), CAST(COUNT(DISTINCT id) AS CHAR),"
                        + " CAST(SUM(id) AS CHAR), CAST(SUM(v) AS CHAR) FROM big"),
                duck.rows("SELECT count(*)::text, count(DISTINCT id)::text, sum(id)::text, sum(v)::text FROM "
                        + readFunction(r, "parquet")));
    }

    @Test
    void chunked_failedRunResumesToExactlyTheSourceRowsWithNoStrayFile() throws Exception {
        Export e = export("resume_me", "parquet").table("items")
                .mode(Mode.chunked("id").chunkSize(250).parallelism(2)).maxRetries(0).build();
        FailingSink failing = new FailingSink(Sink.local(out), "part-00006-");

        RivetException failure = assertThrows(RivetException.class,
                () -> rivet.run(e.toBuilder().sink(failing).build()));
        assertTrue(failure.getMessage().contains("injected"), failure.getMessage());
        String runId = rivet.stateStore().unfinishedChunkRun("resume_me").orElseThrow().runId();
        assertFalse(Files.exists(out.resolve("resume_me/" + runId + "/manifest.json")), "a failed run has no manifest");

        ExportResult resumed = rivet.resume(e);

        assertTrue(resumed.resumed());
        assertEquals(runId, resumed.runId());
        assertEquals(2500, resumed.rows());
        assertEquals(expectedItems("SELECT * FROM items"), exportedItems(resumed, "parquet"));
        assertOnlyManifestFilesVisible(resumed);
        assertTrue(rivet.stateStore().unfinishedChunkRun("resume_me").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void keysetChunks_overACompositePrimaryKey_readEveryRowOnce(String format) throws Exception {
        ExportResult r = rivet.run(export("tenants_" + format, format).table("tenants")
                .mode(Mode.chunked().chunkSize(100).parallelism(3)).batchRows(37).build());

        assertEquals(1234, r.rows());
        assertEquals(13, r.chunks());
        assertEquals(tenantRows("SELECT tenant, seq, v FROM tenants"),
                duck.rows("SELECT tenant, seq::text, v FROM " + readFunction(r, format) + " ORDER BY seq"));
        assertOnlyManifestFilesVisible(r);
    }

    @Test
    void keysetChunks_overAStringColumn_resumeAfterAFailure() throws Exception {
        Export e = export("tenants_by_name", "parquet").table("tenants")
                .mode(Mode.chunked("v").chunkSize(200).parallelism(2)).maxRetries(0).build();
        RivetException failure = assertThrows(RivetException.class,
                () -> rivet.run(e.toBuilder().sink(new FailingSink(Sink.local(out), "part-00003-")).build()));
        assertTrue(failure.getMessage().contains("injected"), failure.getMessage());

        ExportResult resumed = rivet.resume(e);
        assertTrue(resumed.resumed());
        assertEquals(1234, resumed.rows());
        assertEquals(7, resumed.chunks());
        assertEquals(tenantRows("SELECT tenant, seq, v FROM tenants"),
                duck.rows("SELECT tenant, seq::text, v FROM " + readFunction(resumed, "parquet") + " ORDER BY seq"));
        assertOnlyManifestFilesVisible(resumed);
    }

    @Test
    void chunked_refusesAKeyWithNullsAndWritesNothing() {
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> rivet.run(
                export("nulls", "parquet").table("nullable_key").mode(Mode.chunked("k")).build()));
        assertTrue(e.getMessage().contains("chunk_column \"k\"") && e.getMessage().contains("NULL"), e.getMessage());
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("nulls")));
    }

    // ------------------------------------------------------------------ time window

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void timeWindow_exportsOnlyRowsInsideTheWindowByTheDatabaseClock(String format) throws Exception {
        String table = "tw_" + format;
        db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, at timestamp(6) NOT NULL)",
                "SET time_zone = '+00:00'",
                "INSERT INTO " + table + " SELECT n, NOW(6) - INTERVAL n HOUR FROM " + SEQ + " WHERE n <= 100");
        ExportResult r = rivet.run(export("tw_" + format, format).table(table)
                .mode(Mode.timeWindow("at", Duration.ofHours(24).plusMinutes(30))).build());

        assertEquals(24, r.rows());
        assertEquals(mysqlRows("SELECT CAST(COUNT(*) AS CHAR), CAST(SUM(id) AS CHAR) FROM " + table
                        + " WHERE id <= 24"),
                duck.rows("SELECT count(*)::text, sum(id)::text FROM " + readFunction(r, format)));
    }

    // ------------------------------------------------------------------ bad input and URLs

    @Test
    void missingTable_isAConfigErrorNamingItAndWritesNothing() {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> rivet.run(export("ghost", "parquet").table("no_such_table").build()));
        assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("ghost")));
    }

    @Test
    void mysqlUriAndCallersDataSource_bothWork() throws Exception {
        String uri = db.uri();
        assertTrue(uri.startsWith("mysql://"), uri);
        ExportResult viaUri = rivet.run(Export.builder().name("via_uri").source(Source.jdbcUrl(uri))
                .table("items").format(Format.parquet()).sink(Sink.local(out)).build());
        assertEquals(2500, viaUri.rows());

        ExportResult viaDataSource = rivet.run(Export.builder().name("via_ds").source(Source.jdbc(db.dataSource()))
                .table("items").mode(Mode.chunked().chunkSize(1000)).format(Format.parquet()).sink(Sink.local(out))
                .build());
        assertEquals(2500, viaDataSource.rows());
        assertEquals(expectedItems("SELECT * FROM items"), exportedItems(viaDataSource, "parquet"));
    }

    // ------------------------------------------------------------------ helpers

    String readFunction(ExportResult r, String format) {
        String list = fileList(r);
        return format.equals("csv")
                ? "read_csv(" + list + ", header = true, auto_detect = true, allow_quoted_nulls = false,"
                        + " sample_size = -1)"
                : "read_parquet(" + list + ")";
    }

    private String csvAllVarchar(ExportResult r) {
        return "read_csv(" + fileList(r) + ", header = true, all_varchar = true, allow_quoted_nulls = false,"
                + " delim = ',', quote = '\"', escape = '\"')";
    }

    private String fileList(ExportResult r) {
        List<String> files = new ArrayList<>();
        for (String key : DuckDb.manifestKeys(out.resolve(r.manifestKey()))) {
            files.add("'" + out.resolve(key) + "'");
        }
        return "[" + String.join(", ", files) + "]";
    }

    /** The items table as MySQL renders it, in a form DuckDB renders identically from the export. */
    private List<List<String>> expectedItems(String sql) throws Exception {
        return mysqlRows("SELECT CAST(id AS CHAR), CAST(grp AS CHAR), name, CAST(amount AS CHAR),"
                + " CAST(score AS CHAR), CASE WHEN flag IS NULL THEN NULL WHEN flag THEN 'true' ELSE 'false' END,"
                + " CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', created_at) AS CHAR), CAST(day AS CHAR),"
                + " payload, LOWER(HEX(uid)) FROM (" + sql + ") src ORDER BY id").stream()
                .map(row -> {
                    List<String> copy = new ArrayList<>(row);
                    copy.set(4, DOUBLE.apply(copy.get(4)));
                    return (List<String>) copy;
                }).toList();
    }

    private List<List<String>> exportedItems(ExportResult r, String format) {
        String uid = format.equals("csv") ? "uid::text" : "lower(hex(uid))";
        return duck.rows("SELECT id::text, grp::text, name, amount::decimal(12,2)::text, score::double::text,"
                + " flag::boolean::text, epoch_us(created_at::timestamptz)::text, day::date::text, payload::text, "
                + uid + " FROM " + readFunction(r, format) + " ORDER BY id").stream()
                .map(row -> {
                    List<String> copy = new ArrayList<>(row);
                    copy.set(4, DOUBLE.apply(copy.get(4)));
                    return (List<String>) copy;
                }).toList();
    }

    private List<List<String>> tenantRows(String sql) throws Exception {
        return mysqlRows("SELECT tenant, CAST(seq AS CHAR), v FROM (" + sql + ") t ORDER BY seq");
    }

    List<List<String>> mysqlRows(String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            try (ResultSet rs = s.executeQuery(sql)) {
                List<List<String>> rows = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** Every visible file under the run's prefix is in the manifest, and vice versa (plus manifest and _SUCCESS). */
    private void assertOnlyManifestFilesVisible(ExportResult r) {
        String prefix = r.exportName() + "/" + r.runId() + "/";
        List<String> expected = new ArrayList<>();
        for (String key : DuckDb.manifestKeys(out.resolve(r.manifestKey()))) {
            expected.add(key.substring(prefix.length()));
        }
        expected.add("_SUCCESS");
        expected.add("manifest.json");
        expected.sort(null);
        assertEquals(expected, DuckDb.filesUnder(out.resolve(prefix)));
    }
}
