package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rivet.ChunkedMode;
import io.rivet.Export;
import io.rivet.IncrementalMode;
import io.rivet.cli.config.ConfigLoader;
import io.rivet.cli.config.RivetConfig;
import io.rivet.core.testing.MySqlDatabase;
import io.rivet.core.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rivet check} and {@code rivet init} in-process against the MySQL or MariaDB of {@link TestDatabases#mysql()},
 * as {@link CheckInitIT} does on PostgreSQL: exit codes, the table and JSON output, and a scaffold that loads and
 * runs. The rows are generated from a digits table in a second database, so the scaffolded schema holds only the
 * tables under test.
 */
class CliMySqlCheckInitIT {
    private static final String PASSWORD = "rivet-cli-check-pw";
    private static MySqlDatabase db;
    private static MySqlDatabase helper;
    private static String limited;
    private static String reader;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @BeforeAll
    static void fixtures() {
        db = TestDatabases.mysql().createDatabase("cli_check_it");
        helper = TestDatabases.mysql().createDatabase("cli_check_seq");
        helper.execute("CREATE TABLE digits (n int PRIMARY KEY)",
                "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
        String seq = "(SELECT a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n + 100000 * f.n + 1 AS n FROM `"
                + helper.name() + "`.digits a, `" + helper.name() + "`.digits b, `" + helper.name() + "`.digits c, `"
                + helper.name() + "`.digits d, `" + helper.name() + "`.digits e, `" + helper.name() + "`.digits f) s";
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        limited = "rivet_cli_lim_" + suffix;
        reader = "rivet_cli_rd_" + suffix;
        db.execute("SET time_zone = '+00:00'",
                "CREATE TABLE orders (id bigint PRIMARY KEY, updated_at datetime(6) NOT NULL, amount decimal(10,2))",
                "INSERT INTO orders SELECT n, TIMESTAMP('2024-01-01') + INTERVAL n SECOND, n / 100 FROM " + seq
                        + " WHERE n <= 150000",
                "CREATE TABLE customers (id int PRIMARY KEY, name varchar(20))",
                "INSERT INTO customers SELECT n, CONCAT('c', n) FROM " + seq + " WHERE n <= 50",
                "CREATE TABLE docs (uid char(32) PRIMARY KEY, updated_at timestamp(6) NULL, body varchar(20),"
                        + " KEY docs_updated_at (updated_at))",
                "INSERT INTO docs SELECT MD5(n), TIMESTAMP('2024-01-01') + INTERVAL n MINUTE, CONCAT('b', n) FROM "
                        + seq + " WHERE n <= 120000",
                "CREATE TABLE events (id bigint PRIMARY KEY, updated_at datetime(6) NOT NULL,"
                        + " KEY events_updated_at (updated_at))",
                "INSERT INTO events SELECT n, TIMESTAMP('2024-01-01') + INTERVAL n SECOND FROM " + seq
                        + " WHERE n <= 500",
                "ANALYZE TABLE orders, customers, docs, events",
                "CREATE USER '" + limited + "'@'%' IDENTIFIED BY '" + PASSWORD + "' WITH MAX_USER_CONNECTIONS 2",
                "CREATE USER '" + reader + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT SELECT ON `" + db.name() + "`.* TO '" + limited + "'@'%', '" + reader + "'@'%'");
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.execute("DROP USER IF EXISTS '" + limited + "'@'%', '" + reader + "'@'%'");
            db.close();
        }
        if (helper != null) {
            helper.close();
        }
    }

    private int rivet(Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("IT_ADMIN_URL", db.uri());
        all.putIfAbsent("IT_LIMITED_URL", db.jdbcUrl(limited, PASSWORD));
        all.putIfAbsent("IT_READER_URL", db.jdbcUrl(reader, PASSWORD));
        return new RivetCli(new PrintWriter(out), new PrintWriter(err), all, false).execute(args);
    }

    private Path config(String urlEnv, String exports) throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, "source:\n  type: mysql\n  url_env: " + urlEnv + "\nexports:\n" + exports.indent(2));
        return file;
    }

    private static boolean testUserHasSuper() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SUPER' AND GRANTEE ="
                        + " CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',"
                        + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    // ------------------------------------------------------------------ check

    @Test
    void check_missingIndexAndSuperuser_areWarnings_exit0_andTheJsonParses() throws Exception {
        Path file = config("IT_ADMIN_URL", """
                - name: orders
                  table: orders
                  mode: incremental
                  cursor_column: updated_at
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(0, rivet(Map.of(), "check", "-c", file.toString(), "--json"), err.toString());
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertEquals(0, root.get("exit_code").asInt());
        JsonNode orders = root.get("exports").get(0);
        assertEquals("READY_WITH_WARNINGS", orders.get("verdict").asText());
        long estimate = orders.get("row_estimate").asLong();
        assertTrue(estimate > 100_000 && estimate < 200_000, "InnoDB's estimate of 150,000 rows: " + estimate);
        assertEquals("balanced", orders.get("recommended_profile").asText(), "a primary, not a big table");
        List<String> warnings = new ArrayList<>();
        String indexFix = null;
        for (JsonNode f : orders.get("findings")) {
            if (f.get("severity").asText().equals("WARN")) {
                warnings.add(f.get("code").asText());
            }
            if (f.get("code").asText().equals("missing_index")) {
                indexFix = f.get("fix").asText();
            }
        }
        assertTrue(warnings.contains("missing_index"), warnings.toString());
        assertEquals(testUserHasSuper(), warnings.contains("superuser"), warnings.toString());
        assertEquals("CREATE INDEX `updated_at_idx` ON `" + db.name() + "`.`orders` (`updated_at`)"
                + " ALGORITHM=INPLACE LOCK=NONE;", indexFix);
        assertEquals(db.name() + ".orders (table)", orders.get("facts").get("table").asText());
        assertTrue(orders.get("facts").get("server").asText().startsWith(
                TestDatabases.mysql().isMariaDb() ? "MariaDB " : "MySQL "), orders.get("facts").toString());
        assertFalse(Files.exists(dir.resolve(".rivet")), "check creates no state store");
        assertFalse(Files.exists(dir.resolve("out")), "check writes no output");
    }

    @Test
    void check_table_showsFindingsFixesAndTheVerdict() throws Exception {
        Path file = config("IT_READER_URL", """
                - name: orders
                  table: orders
                  mode: incremental
                  cursor_column: updated_at
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(0, rivet(Map.of(), "check", "-c", file.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("orders (orders, incremental): READY_WITH_WARNINGS"), text);
        assertTrue(text.contains("plan: Full table scan on orders (rows="), text);
        assertTrue(text.contains("WARN  missing_index "), text);
        assertTrue(text.contains("fix: CREATE INDEX `updated_at_idx` ON `" + db.name() + "`.`orders`"), text);
        assertTrue(text.contains("INFO  not_checked"), text);
        assertTrue(text.endsWith("1 export checked: 1 ready with warnings" + System.lineSeparator()), text);
        assertEquals("", err.toString());
    }

    @Test
    void check_maxUserConnections2UnderParallel4_isNotReady_exit1() throws Exception {
        Path file = config("IT_LIMITED_URL", """
                - name: orders
                  table: orders
                  mode: chunked
                  parallel: 4
                  format: parquet
                  destination: {type: local, path: out}
                - name: events
                  table: events
                  mode: incremental
                  cursor_column: updated_at
                  format: csv
                  destination: {type: local, path: out}
                """);
        assertEquals(1, rivet(Map.of(), "check", "-c", file.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("orders (orders, chunked): NOT_READY"), text);
        assertTrue(text.contains("FAIL  connection_headroom"), text);
        assertTrue(text.contains("fix: Lower parallel to 1, or raise the user's connection limit to at least 5."),
                text);
        assertTrue(text.contains("events (events, incremental): READY"), text);
        assertTrue(text.endsWith("2 exports checked: 1 ready, 1 not ready" + System.lineSeparator()), text);
    }

    @Test
    void check_missingTable_isNotReady_exit1() throws Exception {
        Path file = config("IT_READER_URL", """
                - {name: ghost, table: ghost, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals(1, rivet(Map.of(), "check", "-c", file.toString()));
        assertTrue(out.toString().contains("FAIL  table_missing"), out.toString());
    }

    // ------------------------------------------------------------------ init

    @Test
    void init_schema_writesAScaffoldThatLoadsAndRuns() throws Exception {
        Path file = dir.resolve("conf/rivet.yaml");
        Map<String, String> env = Map.of("SHOP_DB_URL", db.uri());
        assertEquals(0, rivet(env, "init", "--source-env", "SHOP_DB_URL", "--schema", db.name(), "-o",
                file.toString()), err.toString());
        String yaml = Files.readString(file);
        assertTrue(yaml.contains("type: mysql"), yaml);
        assertTrue(yaml.contains("url_env: SHOP_DB_URL"), yaml);
        assertFalse(yaml.contains(db.uri()), "no URL in the scaffold");
        assertTrue(out.toString().contains("wrote " + file + " (4 exports). Next: rivet check -c " + file),
                out.toString());

        RivetConfig config = ConfigLoader.load(file, env);
        Map<String, Export> byName = new HashMap<>();
        config.exports().forEach(e -> byName.put(e.name(), e));
        assertEquals(List.of("customers", "docs", "events", "orders"),
                config.exports().stream().map(Export::name).toList());
        assertEquals("full", byName.get("customers").mode().name());
        assertEquals("full", byName.get("events").mode().name());
        IncrementalMode docs = (IncrementalMode) byName.get("docs").mode();
        assertEquals("updated_at", docs.cursorColumn());
        assertEquals("uid", docs.tieBreaker());
        ChunkedMode orders = (ChunkedMode) byName.get("orders").mode();
        assertEquals("id", orders.column());
        assertEquals(100_000, orders.chunkSize());
        assertEquals(1, orders.parallelism());
        assertTrue(yaml.contains("and a single-column integer primary key (id)"), yaml);

        out.getBuffer().setLength(0);
        assertEquals(0, rivet(env, "run", "-c", file.toString()), err.toString());
        Path outDir = dir.resolve("conf/out");
        assertEquals(150_000, duckCount(outDir.resolve("orders")));
        assertEquals(120_000, duckCount(outDir.resolve("docs")));
        assertEquals(50, duckCount(outDir.resolve("customers")));
        assertEquals(500, duckCount(outDir.resolve("events")));
        assertEquals(150_000L * 150_001 / 2, duckLong("SELECT sum(id) FROM read_parquet('" + outDir.resolve("orders")
                + "/**/*.parquet')"));
    }

    @Test
    void init_table_toStandardOutput_suggestsIncrementalOnTheIndexedTimestamp() throws Exception {
        Map<String, String> env = Map.of("SHOP_DB_URL", db.uri());
        assertEquals(0, rivet(env, "init", "--source-env", "SHOP_DB_URL", "--table", db.name() + ".docs", "-o",
                "-", "--format", "csv"), err.toString());
        String yaml = out.toString();
        assertTrue(yaml.contains("    mode: incremental\n    cursor_column: updated_at\n    tie_breaker_column: uid\n"
                + "    format: csv\n"), yaml);
        assertTrue(yaml.contains("updated_at may hold NULL"), yaml);
        RivetConfig config = ConfigLoader.parse(yaml, "stdout", dir.resolve("x.yaml"), env);
        assertEquals(1, config.exports().size());
    }

    @Test
    void init_missingTable_exit1() {
        Map<String, String> env = Map.of("SHOP_DB_URL", db.uri());
        assertEquals(1, rivet(env, "init", "--source-env", "SHOP_DB_URL", "--table", db.name() + ".nope", "-o",
                dir.resolve("r.yaml").toString()));
        assertTrue(err.toString().contains("table " + db.name() + ".nope does not exist"), err.toString());
        assertFalse(Files.exists(dir.resolve("r.yaml")));
    }

    private static long duckCount(Path exportDir) throws SQLException {
        return duckLong("SELECT count(*) FROM read_parquet('" + exportDir + "/**/*.parquet')");
    }

    private static long duckLong(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }
}
