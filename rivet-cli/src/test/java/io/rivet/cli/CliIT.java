package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.rivet.core.testing.TestDatabases;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CLI in-process against the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth) in a database of
 * its own, and reads every output back with DuckDB. The configuration-error tests need no engine; the export tests
 * need rivet-core's engine and fail until it exists.
 */
class CliIT {
    private static TestDatabases.PostgresDatabase db;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() throws SQLException {
        db = TestDatabases.postgres().createDatabase("cli_it");
        db.execute("CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text, amount numeric(10,2),"
                        + " created_at timestamptz)",
                "INSERT INTO public.orders VALUES"
                        + " (1, 'ada', 10.50, '2024-01-01 10:00:00+00'),"
                        + " (2, NULL, 0.01, '2024-01-02 11:30:00+00'),"
                        + " (3, 'grace', 99999.99, NULL)",
                "CREATE TABLE public.nullable_key (k int, v text)",
                "INSERT INTO public.nullable_key VALUES (1, 'a'), (NULL, 'b')");
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    /** The test database's URL with its credentials, handed to the CLI through an environment variable. */
    private static String dbUrl() {
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user();
        return db.password() == null || db.password().isEmpty() ? url : url + "&password=" + db.password();
    }

    private int rivet(Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("RIVET_IT_URL", dbUrl());
        return new RivetCli(new PrintWriter(out), new PrintWriter(err), all, false).execute(args);
    }

    private Path config(String exports) throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, """
                source:
                  type: postgres
                  url_env: RIVET_IT_URL
                exports:
                """ + exports.indent(2));
        return file;
    }

    private static long duckLong(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix))
                    .sorted().toList();
        }
    }

    // ---- configuration errors: no engine needed ----

    @Test
    void unknown_key_exits_1_with_did_you_mean_and_writes_nothing() throws IOException {
        Path file = config("""
                - name: orders
                  table: public.orders
                  mode: chunked
                  chunk_colum: id
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(1, rivet(Map.of(), "run", "-c", file.toString()));
        assertEquals("error: " + file + ": unknown key \"exports[0].chunk_colum\" — did you mean \"chunk_column\"?"
                + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
        assertFalse(Files.exists(dir.resolve("out")), "no output directory");
        assertFalse(Files.exists(dir.resolve(".rivet")), "no state store");
    }

    @Test
    void missing_environment_variable_exits_1_naming_it() throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, """
                source: {type: postgres, url_env: RIVET_CLI_IT_UNSET_URL}
                exports:
                  - {name: orders, table: public.orders, format: parquet, destination: {type: local, path: out}}
                """);
        assertEquals(1, rivet(Map.of(), "run", "-c", file.toString()));
        assertTrue(err.toString().startsWith("error: " + file + ": source.url_env names the environment variable"
                + " RIVET_CLI_IT_UNSET_URL, which is not set"), err.toString());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void url_env_is_read_from_the_given_environment() throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, """
                source: {type: postgres, url_env: IT_URL}
                exports:
                  - {name: orders, table: public.orders, format: parquet, destination: {type: local, path: out}}
                """);
        // A valid configuration gets past loading to export selection, which names the unknown export.
        assertEquals(1, rivet(Map.of("IT_URL", dbUrl()), "run", "-c", file.toString(), "-e", "nope"));
        assertEquals("error: no export named nope in " + file + "; its exports are: orders" + System.lineSeparator(),
                err.toString());
    }

    // ---- exports: need the engine (rivet-core) ----

    @Test
    void run_writes_parquet_that_duckdb_reads_back() throws Exception {
        Path file = config("""
                - name: orders
                  table: public.orders
                  format: parquet
                  destination: {type: local, path: out}
                """);
        int code = rivet(Map.of(), "run", "-c", file.toString());
        assertEquals(0, code, err.toString());
        List<Path> parquet = files(dir.resolve("out/orders"), ".parquet");
        assertFalse(parquet.isEmpty(), "parquet files under out/orders");
        String glob = dir.resolve("out/orders") + "/**/*.parquet";
        assertEquals(3, duckLong("select count(*) from read_parquet('" + glob + "')"));
        assertEquals(6, duckLong("select sum(id) from read_parquet('" + glob + "')"));
        assertEquals(1, duckLong("select count(*) from read_parquet('" + glob + "') where customer is null"));
        assertEquals(10_001_050, duckLong("select sum(amount * 100)::bigint from read_parquet('" + glob + "')"));
        assertEquals(1, files(dir.resolve("out/orders"), "manifest.json").size(), "one manifest");
        assertTrue(Files.isDirectory(dir.resolve(".rivet")), "state beside the config");
        assertTrue(out.toString().startsWith("orders: 3 rows, " + parquet.size() + " file"), out.toString());
    }

    @Test
    void missing_column_exits_1_naming_it_and_writes_nothing() throws Exception {
        Path file = config("""
                - name: orders
                  table: public.orders
                  mode: incremental
                  cursor_column: modified_at
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(1, rivet(Map.of(), "run", "-c", file.toString()), err.toString());
        assertTrue(err.toString().contains("cursor_column \"modified_at\""), err.toString());
        assertEquals(List.of(), files(dir.resolve("out"), ""));
    }

    @Test
    void nulls_in_the_chunk_column_exit_1_naming_it_and_write_nothing() throws Exception {
        Path file = config("""
                - name: keyed
                  table: public.nullable_key
                  mode: chunked
                  chunk_column: k
                  format: csv
                  destination: {type: local, path: out}
                """);
        assertEquals(1, rivet(Map.of(), "run", "-c", file.toString()), err.toString());
        assertTrue(err.toString().contains("chunk_column \"k\"") && err.toString().contains("NULL"), err.toString());
        assertEquals(List.of(), files(dir.resolve("out"), ""));
    }

    @Test
    void schema_drift_with_fail_exits_4_and_slack_hears_about_it() throws Exception {
        db.execute("CREATE TABLE public.drifting (id int PRIMARY KEY, v text)", "INSERT INTO public.drifting VALUES (1, 'a')");
        java.util.List<String> posts = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer slack = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext("/hook", exchange -> {
            posts.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        slack.start();
        try {
            Path file = config("""
                    - name: drifting
                      table: public.drifting
                      format: csv
                      on_schema_drift: fail
                      destination: {type: local, path: out}
                    """);
            Files.writeString(file, Files.readString(file)
                    + "notifications:\n  slack: {webhook_url_env: HOOK, on: [failure, success]}\n");
            Map<String, String> env = Map.of("HOOK", "http://127.0.0.1:" + slack.getAddress().getPort() + "/hook");
            assertEquals(0, rivet(env, "run", "-c", file.toString()), err.toString());
            assertEquals(1, posts.size());
            db.execute("ALTER TABLE public.drifting ADD COLUMN w int");
            assertEquals(4, rivet(env, "run", "-c", file.toString()), err.toString());
            assertTrue(err.toString().contains("column w added"), err.toString());
            assertEquals(2, posts.size());
            assertTrue(posts.get(1).contains("failed") && posts.get(1).contains("column w added"), posts.get(1));
            assertEquals(1, files(dir.resolve("out/drifting"), ".csv").size(), "the drifted run wrote nothing");
        } finally {
            slack.stop(0);
        }
    }

    @Test
    void metrics_and_state_report_the_run_history_cursor_and_schema() throws Exception {
        db.execute("CREATE TABLE public.history (id int PRIMARY KEY, seq int NOT NULL)",
                "INSERT INTO public.history SELECT g, g FROM generate_series(1, 100) g");
        Path file = config("""
                - name: history
                  table: public.history
                  mode: incremental
                  cursor_column: seq
                  format: parquet
                  destination: {type: local, path: out}
                """);
        assertEquals(0, rivet(Map.of(), "run", "-c", file.toString()), err.toString());
        db.execute("INSERT INTO public.history SELECT g, g FROM generate_series(101, 130) g");
        assertEquals(0, rivet(Map.of(), "run", "-c", file.toString()), err.toString());
        out.getBuffer().setLength(0);

        assertEquals(0, rivet(Map.of(), "metrics", "-c", file.toString(), "--json"), err.toString());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString());
        com.fasterxml.jackson.databind.JsonNode runs = json.get(0).get("runs");
        assertEquals("history", json.get(0).get("export").asText());
        assertEquals(2, runs.size());
        assertEquals(30, runs.get(0).get("rows").asLong(), "newest first");
        assertEquals(100, runs.get(1).get("rows").asLong());
        assertEquals("succeeded", runs.get(0).get("status").asText());
        assertTrue(runs.get(0).get("peak_memory_bytes").asLong() > 0);

        out.getBuffer().setLength(0);
        assertEquals(0, rivet(Map.of(), "metrics", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("duration: ") && out.toString().contains("vs median of 1 earlier"),
                out.toString());

        out.getBuffer().setLength(0);
        assertEquals(0, rivet(Map.of(), "state", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("cursor:  130, from run"), out.toString());
        assertTrue(out.toString().contains("schema:  2 columns"), out.toString());
    }

    @Test
    void failing_quality_gate_exits_3_and_publishes_no_manifest() throws Exception {
        Path file = config("""
                - name: orders
                  table: public.orders
                  format: parquet
                  destination: {type: local, path: out}
                  quality: {row_count_min: 10}
                """);
        assertEquals(3, rivet(Map.of(), "run", "-c", file.toString()), err.toString());
        assertTrue(err.toString().lines().anyMatch(l -> l.startsWith("error: ") && l.contains("row_count_min")),
                err.toString());
        assertEquals(List.of(), files(dir.resolve("out"), "manifest.json"));
        assertTrue(out.toString().contains("orders: FAILED (exit 3)"), out.toString());
    }

    @Test
    void a_failed_export_does_not_stop_the_next_and_the_worst_code_wins() throws Exception {
        Path file = config("""
                - {name: missing, table: public.no_such_table, format: csv, destination: {type: local, path: out}}
                - {name: orders, table: public.orders, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals(1, rivet(Map.of(), "run", "-c", file.toString()), err.toString());
        assertTrue(err.toString().contains("no_such_table"), err.toString());
        List<Path> csv = files(dir.resolve("out/orders"), ".csv");
        assertFalse(csv.isEmpty(), "the second export ran");
        assertEquals(3, duckLong("select count(*) from read_csv('" + dir.resolve("out/orders")
                + "/**/*.csv', header = true)"));
        assertTrue(out.toString().contains("missing: FAILED (exit 1)"), out.toString());
        assertTrue(out.toString().contains("orders: 3 rows"), out.toString());
    }

    @Test
    void demo_exports_the_sample_table() throws Exception {
        Path target = dir.resolve("demo");
        int code = rivet(Map.of(), "demo", "--rows", "25000", "--out", target.toString());
        assertEquals(0, code, err.toString());
        String glob = target.resolve("demo_items") + "/**/*.parquet";
        assertEquals(25_000, duckLong("select count(*) from read_parquet('" + glob + "')"));
        assertEquals(25_000L * 25_001 / 2, duckLong("select sum(id) from read_parquet('" + glob + "')"));
        assertEquals(25_000 / 17, duckLong("select count(*) from read_parquet('" + glob + "') where title is null"));
        assertTrue(out.toString().contains("Exported 25,000 rows"), out.toString());
        assertTrue(out.toString().contains("duckdb -c"), out.toString());
        assertTrue(Files.isDirectory(target.resolve(".rivet")), "state store in the out directory");
    }
}
