package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.ExportResult;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.state.StateStores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crash safety: a child JVM running an export is killed with SIGKILL at a chosen point (a file half-written, a data
 * file just published, the manifest just published, {@code _SUCCESS} just published), then the export runs again (a
 * chunked one resumes). Afterwards the rows visible through the manifests equal the source rows exactly, with no
 * duplicate and no gap, and no staged leftover remains.
 */
class CrashIT {
    private static TestDatabases.PostgresDatabase db;

    @TempDir
    Path out;

    @BeforeAll
    static void database() {
        db = TestDatabases.postgres().createDatabase("crash_it");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @BeforeEach
    void table() {
        db.execute("DROP TABLE IF EXISTS crash_rows",
                "CREATE TABLE crash_rows (id int PRIMARY KEY, updated_at timestamptz NOT NULL, v text)",
                "INSERT INTO crash_rows SELECT g, timestamptz '2024-01-01 00:00:00+00' + (g / 7) * interval '1 second',"
                        + " repeat('x', 20) || g FROM generate_series(1, 2000) g");
    }

    @ParameterizedTest(name = "{0} killed at {1}")
    @CsvSource({
        "chunked, write:part-00003-",
        "chunked, commit:part-00002-",
        "chunked, commit:manifest.json",
        "chunked, commit:_SUCCESS",
        "incremental, write:part-00000-002",
        "incremental, commit:part-00000-001",
        "incremental, commit:manifest.json",
        "incremental, commit:_SUCCESS",
        "full, write:part-00000-001",
        "full, commit:part-00000-000",
        "full, commit:_SUCCESS"})
    void killedAnywhere_theNextRunLeavesExactlyTheSourceRows(String mode, String point) throws Exception {
        killChildAt(mode, point);
        db.execute("INSERT INTO crash_rows SELECT g, timestamptz '2024-06-01 00:00:00+00', 'late' || g"
                + " FROM generate_series(2001, 2100) g");

        try (Rivet rivet = Rivet.builder().stateStore(StateStores.file(out.resolve(".rivet"))).build()) {
            var export = CrashChild.export(db.jdbcUrl(), db.user(), mode).sink(Sink.local(out)).build();
            ExportResult result = mode.equals("chunked") ? rivet.resume(export) : rivet.run(export);
            List<String> manifests = new ArrayList<>();
            List<String> files = DuckDb.filesUnder(out.resolve(export.name()));
            if (mode.equals("incremental")) {
                // Every published run (a _SUCCESS beside its manifest) counts: together they hold each row once.
                for (String f : files) {
                    if (f.endsWith("/manifest.json")) {
                        String run = f.substring(0, f.indexOf('/'));
                        assertTrue(files.contains(run + "/_SUCCESS"), "a manifest without _SUCCESS remains: " + f);
                        manifests.add(export.name() + "/" + f);
                    }
                }
            } else {
                manifests.add(result.manifestKey());
            }
            // A resumed chunked run exports the key range it planned before the kill; later rows are the next run's.
            String expected = mode.equals("chunked") && result.resumed()
                    ? "id <= 2000" : "true";
            assertEquals(sourceSummary(expected), exportedSummary(manifests), mode + " after a kill at " + point);
            rivet.stateStore().close();
        }
        try (Stream<Path> files = Files.walk(out)) {
            List<Path> staged = files.filter(p -> p.getFileName().toString().endsWith(".rivet-tmp")).toList();
            assertEquals(List.of(), staged, "no staged leftovers after the next run");
        }
    }

    private void killChildAt(String mode, String point) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), db.jdbcUrl(), db.user(), out.toString(), mode, point);
        pb.redirectErrorStream(true);
        Process child = pb.start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains(CrashChild.READY)) {
                    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
                    break;
                }
            }
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits");
        assertTrue(seen.toString().contains(CrashChild.READY), "the child reached " + point + ":\n" + seen);
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
    }

    private List<List<String>> sourceSummary(String where) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), sum(id) FROM crash_rows WHERE "
                        + where)) {
            return DuckDb.collect(rs);
        }
    }

    private List<List<String>> exportedSummary(List<String> manifests) {
        List<String> files = new ArrayList<>();
        for (String m : manifests) {
            for (String key : DuckDb.manifestKeys(out.resolve(m))) {
                files.add("'" + out.resolve(key) + "'");
            }
        }
        try (DuckDb duck = new DuckDb()) {
            return duck.rows("SELECT count(*), count(DISTINCT id), sum(id) FROM read_parquet([" + String.join(", ", files)
                    + "])");
        }
    }
}
