package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code rivet run --validate/--reconcile}, quality gates, schema drift, {@code metrics}, {@code state} and
 * {@code doctor} in-process against the MySQL or MariaDB of {@link TestDatabases#mysql()}, with the exact exit codes
 * of DESIGN.md section 7 (3: data integrity, 4: schema drift). Outputs are read back with DuckDB.
 */
class CliMySqlOperateIT {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static MySqlDatabase db;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabases.mysql().createDatabase("cli_operate_it");
        db.execute("CREATE TABLE digits (n int PRIMARY KEY)",
                "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    /** A new table of {@code rows} rows: id, grp (id % 3), a note (NULL for every fourth row), a seq cursor. */
    private static String table(int rows) {
        String name = "t" + TABLES.incrementAndGet();
        db.execute("CREATE TABLE " + name + " (id int PRIMARY KEY, grp int NOT NULL, note varchar(10), seq int NOT NULL)",
                "INSERT INTO " + name + " SELECT n, n % 3, CASE WHEN n % 4 = 0 THEN NULL ELSE CONCAT('n', n) END, n"
                        + " FROM (SELECT a.n + 10 * b.n + 100 * c.n + 1 AS n FROM digits a, digits b, digits c) s"
                        + " WHERE n <= " + rows);
        return name;
    }

    private int rivet(Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("RIVET_MYSQL_URL", db.uri());
        return new RivetCli(new PrintWriter(out), new PrintWriter(err), all, false).execute(args);
    }

    private int rivet(String... args) {
        return rivet(Map.of(), args);
    }

    private Path config(String exports) throws IOException {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, "source:\n  type: mysql\n  url_env: RIVET_MYSQL_URL\nexports:\n" + exports.indent(2));
        return file;
    }

    private void clear() {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }

    private List<String> files(Path root, String suffix) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static long duckLong(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    /** The {@code cursor:} line {@code rivet state} prints for the configuration. */
    private String cursorLine(Path file) {
        clear();
        assertEquals(0, rivet("state", "-c", file.toString()), err.toString());
        return out.toString().lines().filter(l -> l.trim().startsWith("cursor:")).findFirst()
                .orElseThrow(() -> new AssertionError(out.toString()));
    }

    // ------------------------------------------------------------------ quality gates

    /**
     * The gate passes on the first incremental run (20 rows) and fails on the second (2 new rows, both in group 2
     * without a note): exit 3, no manifest and no {@code _SUCCESS} for that run, the cursor unchanged; a run without
     * the gate then exports exactly the 2 rows.
     */
    @ParameterizedTest
    @ValueSource(strings = {"row_count_min", "row_count_max", "null_ratio_max", "unique_columns"})
    void failingQualityGate_exits3_publishesNothing_andKeepsTheCursor(String gate) throws Exception {
        String table = table(20);
        String[] quality = switch (gate) {
            case "row_count_min" -> new String[] {"{row_count_min: 20}", "{row_count_min: 3}"};
            case "row_count_max" -> new String[] {"{row_count_max: 20}", "{row_count_max: 1}"};
            case "null_ratio_max" -> new String[] {"{null_ratio_max: {note: 0.5}}", "{null_ratio_max: {note: 0.5}}"};
            default -> new String[] {"{unique_columns: [id]}", "{unique_columns: [grp]}"};
        };
        String export = """
                - name: gated
                  table: %s
                  mode: incremental
                  cursor_column: seq
                  format: parquet
                  destination: {type: local, path: out}
                """.formatted(table);
        Path file = config(export + "  quality: " + quality[0] + "\n");
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("gated: 20 rows"), out.toString());
        String cursor = cursorLine(file);
        assertTrue(cursor.contains("20, from run"), cursor);

        db.execute("INSERT INTO " + table + " VALUES (21, 2, NULL, 21), (22, 2, NULL, 22)");
        config(export + "  quality: " + quality[1] + "\n");
        clear();
        assertEquals(3, rivet("run", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("gated: FAILED (exit 3)"), out.toString());
        assertTrue(err.toString().lines().anyMatch(l -> l.startsWith("error: ")
                && l.contains(gate.equals("unique_columns") ? "column grp has" : gate)), err.toString());
        assertEquals(1, files(dir.resolve("out/gated"), "manifest.json").size(), "only the first run's manifest");
        assertEquals(1, files(dir.resolve("out/gated"), "_SUCCESS").size(), "only the first run's _SUCCESS");
        assertEquals(cursor, cursorLine(file), "the cursor did not move");

        config(export);
        clear();
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("gated: 2 rows"), out.toString());
        assertTrue(cursorLine(file).contains("22, from run"));
    }

    // ------------------------------------------------------------------ validate and reconcile

    @Test
    void validateAndReconcile_passOnAChunkedExport_exit0() throws Exception {
        String table = table(1000);
        Path file = config("""
                - name: checked
                  table: %s
                  mode: chunked
                  chunk_size: 300
                  parallel: 2
                  format: csv
                  destination: {type: local, path: out}
                """.formatted(table));
        assertEquals(0, rivet("run", "-c", file.toString(), "--validate", "--reconcile"), err.toString());
        assertTrue(out.toString().contains("checked: 1,000 rows") || out.toString().contains("checked: 1000 rows"),
                out.toString());
        assertEquals(1000L * 1001 / 2, duckLong("SELECT sum(id) FROM read_csv('" + dir.resolve("out/checked")
                + "/**/*.csv', header = true)"));
    }

    @Test
    void reconcileMismatch_exits3_andPublishesNothing() throws Exception {
        String table = table(50);
        // The rows are visible to the read but not to the reconciling COUNT (which wraps the read "AS _rivet_count").
        Path file = config("""
                - name: unreconciled
                  query: "SELECT id FROM %s WHERE NOT EXISTS (SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID() AND INFO LIKE CONCAT('%%AS _rivet', '_count%%'))"
                  format: parquet
                  destination: {type: local, path: out}
                """.formatted(table));
        assertEquals(3, rivet("run", "-c", file.toString(), "--reconcile"), err.toString());
        assertTrue(err.toString().contains("the source counts 0 rows in the same snapshot but 50 were written"),
                err.toString());
        assertTrue(out.toString().contains("unreconciled: FAILED (exit 3)"), out.toString());
        assertEquals(List.of(), files(dir.resolve("out"), ""));
    }

    // ------------------------------------------------------------------ schema drift

    @Test
    void schemaDrift_fail_exits4_writesNothing_andKeepsTheBaseline_warnAcceptsIt() throws Exception {
        String table = table(5);
        String export = """
                - name: drifting
                  table: %s
                  format: csv
                  destination: {type: local, path: out}
                """.formatted(table);
        Path file = config(export + "  on_schema_drift: fail\n");
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());
        db.execute("ALTER TABLE " + table + " ADD COLUMN w int");

        clear();
        assertEquals(4, rivet("run", "-c", file.toString()), err.toString());
        assertTrue(err.toString().contains("column w added"), err.toString());
        assertEquals(1, files(dir.resolve("out/drifting"), ".csv").size(), "the drifted run wrote nothing");
        clear();
        assertEquals(4, rivet("run", "-c", file.toString()), "the old baseline is kept: " + err);

        config(export + "  on_schema_drift: warn\n");
        clear();
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());
        config(export + "  on_schema_drift: fail\n");
        clear();
        assertEquals(0, rivet("run", "-c", file.toString()), "the warned run accepted the new schema: " + err);
        assertEquals(3, files(dir.resolve("out/drifting"), ".csv").size());
    }

    @Test
    void schemaDrift_continue_exits0_andExportsTheNewColumn() throws Exception {
        String table = table(5);
        Path file = config("""
                - name: drifting_on
                  table: %s
                  format: parquet
                  on_schema_drift: continue
                  destination: {type: local, path: out}
                """.formatted(table));
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());
        db.execute("ALTER TABLE " + table + " ADD COLUMN w int NOT NULL DEFAULT 7");
        clear();
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());
        assertEquals(5, duckLong("SELECT count(*) FROM read_parquet('" + dir.resolve("out/drifting_on")
                + "/**/*.parquet', union_by_name = true) WHERE w = 7"));
    }

    // ------------------------------------------------------------------ history

    @Test
    void metricsAndState_reportTheRunHistoryCursorAndSchema() throws Exception {
        String table = table(100);
        Path file = config("""
                - name: history
                  table: %s
                  mode: incremental
                  cursor_column: seq
                  format: parquet
                  destination: {type: local, path: out}
                """.formatted(table));
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());
        db.execute("INSERT INTO " + table + " SELECT 100 + n, 0, 'x', 100 + n FROM"
                + " (SELECT a.n + 10 * b.n + 1 AS n FROM digits a, digits b) s WHERE n <= 30");
        assertEquals(0, rivet("run", "-c", file.toString()), err.toString());

        clear();
        assertEquals(0, rivet("metrics", "-c", file.toString(), "--json"), err.toString());
        JsonNode runs = new ObjectMapper().readTree(out.toString()).get(0).get("runs");
        assertEquals(2, runs.size());
        assertEquals(30, runs.get(0).get("rows").asLong(), "newest first");
        assertEquals(100, runs.get(1).get("rows").asLong());
        assertEquals("succeeded", runs.get(0).get("status").asText());

        clear();
        assertEquals(0, rivet("metrics", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("vs median of 1 earlier"), out.toString());

        clear();
        assertEquals(0, rivet("state", "-c", file.toString()), err.toString());
        assertTrue(out.toString().contains("cursor:  130, from run"), out.toString());
        assertTrue(out.toString().contains("schema:  4 columns"), out.toString());
    }

    // ------------------------------------------------------------------ doctor

    @Test
    void doctor_showsTheServerProductAndVersion() throws Exception {
        Path file = config("""
                - {name: any, table: digits, format: csv, destination: {type: local, path: out}}
                """);
        assertEquals(0, rivet("doctor", "-c", file.toString(), "--json"), err.toString());
        JsonNode source = new ObjectMapper().readTree(out.toString()).get("checks").get(0);
        assertEquals("source", source.get("check").asText());
        String version = TestDatabases.mysql().version();
        String expected = (TestDatabases.mysql().isMariaDb() ? "MariaDB " : "MySQL ") + version;
        assertTrue(source.toString().contains(expected), source + " should name " + expected);
        assertFalse(source.toString().contains("5.5.5-"), source.toString());
    }
}
