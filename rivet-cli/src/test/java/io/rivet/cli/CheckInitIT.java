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
import io.rivet.core.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rivet check} and {@code rivet init} in-process against the real PostgreSQL: exit codes, the table and JSON
 * output, and a scaffold that loads and runs. Outputs of the scaffolded run are read back with DuckDB.
 */
class CheckInitIT {
    private static final String PASSWORD = "rivet-cli-check-pw";
    private static TestDatabases.PostgresDatabase db;
    private static String limited;
    private static String reader;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @BeforeAll
    static void fixtures() {
        db = TestDatabases.postgres().createDatabase("cli_check_it");
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        limited = "rivet_cli_limited_" + suffix;
        reader = "rivet_cli_reader_" + suffix;
        db.execute("CREATE SCHEMA shop",
                "CREATE TABLE shop.orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL,"
                        + " amount numeric(10,2))",
                "INSERT INTO shop.orders SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',"
                        + " g / 100.0 FROM generate_series(1, 150000) g",
                "CREATE TABLE shop.customers (id int PRIMARY KEY, name text)",
                "INSERT INTO shop.customers SELECT g, 'c' || g FROM generate_series(1, 50) g",
                "CREATE TABLE shop.docs (uid uuid PRIMARY KEY, updated_at timestamptz, body text)",
                "CREATE INDEX docs_updated_at ON shop.docs (updated_at)",
                "INSERT INTO shop.docs SELECT md5(g::text)::uuid, timestamptz '2024-01-01 00:00:00+00'"
                        + " + g * interval '1 minute', 'b' || g FROM generate_series(1, 120000) g",
                "CREATE TABLE public.events (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL)",
                "CREATE INDEX events_updated_at ON public.events (updated_at)",
                "INSERT INTO public.events SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'"
                        + " FROM generate_series(1, 500) g",
                "ANALYZE",
                "CREATE ROLE " + limited + " LOGIN PASSWORD '" + PASSWORD + "' CONNECTION LIMIT 2",
                "CREATE ROLE " + reader + " LOGIN PASSWORD '" + PASSWORD + "'",
                "GRANT USAGE ON SCHEMA shop TO " + limited + ", " + reader,
                "GRANT SELECT ON ALL TABLES IN SCHEMA shop, public TO " + limited + ", " + reader);
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.execute("DROP OWNED BY " + limited + ", " + reader, "DROP ROLE " + limited, "DROP ROLE " + reader);
            db.close();
        }
    }

    private static String url(String user, String password) {
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + user;
        return password == null || password.isEmpty() ? url
                : url + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    private int rivet(Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("IT_ADMIN_URL", url(db.user(), db.password()));
        all.putIfAbsent("IT_LIMITED_URL", url(limited, PASSWORD));
        all.putIfAbsent("IT_READER_URL", url(reader, PASSWORD));
        return new RivetCli(new PrintWriter(out), new PrintWriter(err), all, false).execute(args);
    }

    private Path config(String urlEnv, String exports) throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, "source:\n  type: postgres\n  url_env: " + urlEnv + "\nexports:\n"
                + exports.indent(2));
        return file;
    }

    private static boolean testUserIsSuperuser() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    // ------------------------------------------------------------------ check

    @Test
    void check_missingIndexAndSuperuser_areWarnings_exit0_andTheJsonParses() throws Exception {
        Path file = config("IT_ADMIN_URL", """
                - name: orders
                  table: shop.orders
                  mode: incremental
                  cursor_column: updated_at
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(0, rivet(Map.of(), "check", "-c", file.toString(), "--json"), err.toString());
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertEquals(0, root.get("exit_code").asInt());
        JsonNode orders = root.get("exports").get(0);
        assertEquals("orders", orders.get("export").asText());
        assertEquals("READY_WITH_WARNINGS", orders.get("verdict").asText());
        assertEquals(150_000, orders.get("row_estimate").asLong());
        assertEquals("balanced", orders.get("recommended_profile").asText(), "a primary, not a big table");
        List<String> warnings = new ArrayList<>();
        for (JsonNode f : orders.get("findings")) {
            if (f.get("severity").asText().equals("WARN")) {
                warnings.add(f.get("code").asText());
            }
        }
        assertTrue(warnings.contains("missing_index"), warnings.toString());
        assertEquals(testUserIsSuperuser(), warnings.contains("superuser"), warnings.toString());
        assertEquals("CREATE INDEX CONCURRENTLY ON \"shop\".\"orders\" (\"updated_at\");",
                orders.get("findings").get(0).get("fix").asText());
        assertEquals("shop.orders (table)", orders.get("facts").get("table").asText());
        assertFalse(Files.exists(dir.resolve(".rivet")), "check creates no state store");
        assertFalse(Files.exists(dir.resolve("out")), "check writes no output");
    }

    @Test
    void check_table_showsFindingsFixesAndTheVerdict() throws Exception {
        Path file = config("IT_ADMIN_URL", """
                - name: orders
                  table: shop.orders
                  mode: incremental
                  cursor_column: updated_at
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(0, rivet(Map.of(), "check", "-c", file.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("orders (shop.orders, incremental): READY_WITH_WARNINGS"), text);
        assertTrue(text.contains("  rows: ~150,000   plan: Seq Scan on shop.orders (rows=150000"), text);
        assertTrue(text.contains("WARN  missing_index "), text);
        assertTrue(text.contains("Cursor_column \"updated_at\" of shop.orders is not the leading column"), text);
        assertTrue(text.contains("fix: CREATE INDEX CONCURRENTLY ON \"shop\".\"orders\" (\"updated_at\");"), text);
        assertTrue(text.endsWith("1 export checked: 1 ready with warnings" + System.lineSeparator()), text);
        assertEquals("", err.toString());
    }

    @Test
    void check_connectionLimit2UnderParallel4_isNotReady_exit1() throws Exception {
        Path file = config("IT_LIMITED_URL", """
                - name: orders
                  table: shop.orders
                  mode: chunked
                  parallel: 4
                  format: parquet
                  destination: {type: local, path: out}
                - name: events
                  table: public.events
                  mode: incremental
                  cursor_column: updated_at
                  format: csv
                  destination: {type: local, path: out}
                """);
        assertEquals(1, rivet(Map.of(), "check", "-c", file.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("orders (shop.orders, chunked): NOT_READY"), text);
        assertTrue(text.contains("FAIL  connection_headroom"), text);
        assertTrue(text.contains("fix: Lower parallel to 1, or raise the user's connection limit to at least 5."),
                text);
        assertTrue(text.contains("events (public.events, incremental): READY"), text);
        assertTrue(text.endsWith("2 exports checked: 1 ready, 1 not ready" + System.lineSeparator()), text);
    }

    @Test
    void check_cleanSetup_isReady_exit0_andOneExportCanBeChosen() throws Exception {
        Path file = config("IT_READER_URL", """
                - name: orders
                  table: shop.orders
                  format: parquet
                  destination: {type: local, path: out}
                - name: events
                  table: public.events
                  mode: incremental
                  cursor_column: updated_at
                  tie_breaker_column: id
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(0, rivet(Map.of(), "check", "-c", file.toString(), "-e", "events", "--json"), err.toString());
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertEquals(1, root.get("exports").size());
        JsonNode events = root.get("exports").get(0);
        assertEquals("READY", events.get("verdict").asText(), events.toPrettyString());
        assertEquals("balanced", events.get("recommended_profile").asText());
        assertEquals(reader, events.get("facts").get("user").asText());
    }

    @Test
    void check_unknownExport_exit1() throws Exception {
        Path file = config("IT_READER_URL", """
                - {name: events, table: public.events, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals(1, rivet(Map.of(), "check", "-c", file.toString(), "-e", "nope"));
        assertTrue(err.toString().startsWith("error: no export named nope"), err.toString());
    }

    @Test
    void check_missingTable_isNotReady_exit1() throws Exception {
        Path file = config("IT_READER_URL", """
                - {name: ghost, table: shop.ghost, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals(1, rivet(Map.of(), "check", "-c", file.toString()));
        assertTrue(out.toString().contains("FAIL  table_missing"), out.toString());
    }

    // ------------------------------------------------------------------ init

    @Test
    void init_schema_writesAScaffoldThatLoadsAndRuns() throws Exception {
        Path file = dir.resolve("conf/rivet.yaml");
        Map<String, String> env = Map.of("SHOP_DB_URL", url(db.user(), db.password()));
        assertEquals(0, rivet(env, "init", "--source-env", "SHOP_DB_URL", "--schema", "shop", "-o",
                file.toString()), err.toString());
        String yaml = Files.readString(file);
        assertTrue(yaml.contains("url_env: SHOP_DB_URL"), yaml);
        assertFalse(yaml.contains(db.jdbcUrl()), "no URL in the scaffold");
        if (db.password() != null && !db.password().isEmpty()) {
            assertFalse(yaml.contains(db.password()), "no password in the scaffold");
        }
        assertTrue(out.toString().contains("wrote " + file + " (3 exports). Next: rivet check -c " + file),
                out.toString());

        RivetConfig config = ConfigLoader.load(file, env);
        Map<String, Export> byName = new HashMap<>();
        config.exports().forEach(e -> byName.put(e.name(), e));
        assertEquals(List.of("customers", "docs", "orders"), config.exports().stream().map(Export::name).toList());
        assertEquals("full", byName.get("customers").mode().name());
        IncrementalMode docs = (IncrementalMode) byName.get("docs").mode();
        assertEquals("updated_at", docs.cursorColumn());
        assertEquals("uid", docs.tieBreaker());
        ChunkedMode orders = (ChunkedMode) byName.get("orders").mode();
        assertEquals("id", orders.column());
        assertEquals(100_000, orders.chunkSize());
        assertEquals(1, orders.parallelism());
        assertTrue(yaml.contains("  # - mode chunked: ~150,000 rows and a single-column integer primary key (id)"),
                yaml);

        out.getBuffer().setLength(0);
        assertEquals(0, rivet(env, "run", "-c", file.toString()), err.toString());
        Path outDir = dir.resolve("conf/out");
        assertEquals(150_000, duckCount(outDir.resolve("orders")));
        assertEquals(120_000, duckCount(outDir.resolve("docs")));
        assertEquals(50, duckCount(outDir.resolve("customers")));
        assertEquals(150_000L * 150_001 / 2, duckLong("SELECT sum(id) FROM read_parquet('" + outDir.resolve("orders")
                + "/**/*.parquet')"));
    }

    @Test
    void init_refusesToOverwrite_unlessForced() throws Exception {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, "keep me\n");
        Map<String, String> env = Map.of("SHOP_DB_URL", url(db.user(), db.password()));
        assertEquals(1, rivet(env, "init", "--url-env", "SHOP_DB_URL", "--table", "shop.customers", "-o",
                file.toString()));
        assertEquals("keep me\n", Files.readString(file));
        assertTrue(err.toString().contains(file + " already exists; rivet init does not overwrite it"),
                err.toString());

        assertEquals(0, rivet(env, "init", "--url-env", "SHOP_DB_URL", "--table", "shop.customers", "-o",
                file.toString(), "--force"), err.toString());
        assertTrue(Files.readString(file).contains("table: shop.customers"));
    }

    @Test
    void init_table_toStandardOutput_writesNoFile() throws Exception {
        Map<String, String> env = Map.of("SHOP_DB_URL", url(db.user(), db.password()));
        assertEquals(0, rivet(env, "init", "--source-env", "SHOP_DB_URL", "--table", "shop.docs", "-o", "-",
                "--format", "csv"), err.toString());
        String yaml = out.toString();
        assertTrue(yaml.contains("    mode: incremental\n    cursor_column: updated_at\n    tie_breaker_column: uid\n"
                + "    format: csv\n"), yaml);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        // What it printed is a configuration ConfigLoader accepts.
        RivetConfig config = ConfigLoader.parse(yaml, "stdout", dir.resolve("x.yaml"), env);
        assertEquals(1, config.exports().size());
    }

    @Test
    void init_usageErrors_exit1() {
        assertEquals(1, rivet(Map.of(), "init", "--source-env", "NOT_SET_ANYWHERE", "--table", "shop.docs"));
        assertTrue(err.toString().contains("the environment variable NOT_SET_ANYWHERE (--source-env) is not set"),
                err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, rivet(Map.of(), "init", "--source-env", "IT_ADMIN_URL"));
        assertTrue(err.toString().contains("--table"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, rivet(Map.of(), "init", "--source-env", "IT_ADMIN_URL", "--table", "shop.nope", "-o",
                dir.resolve("r.yaml").toString()));
        assertTrue(err.toString().contains("table shop.nope does not exist"), err.toString());
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
