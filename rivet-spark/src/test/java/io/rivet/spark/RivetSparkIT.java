package io.rivet.spark;

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
import io.rivet.core.testing.TestDatabases;
import io.rivet.core.testing.TestDatabases.PostgresDatabase;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.state.ChunkStatus;
import io.rivet.state.RunStatus;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rivet on Spark in local mode ({@code local[2,4]}: two executor threads, four attempts per task) against the real
 * PostgreSQL and MariaDB: every output is read back with DuckDB and compared with the source and with a single-machine
 * run of the same export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RivetSparkIT {
    private static final int ROWS = 20_000;
    /** Executor-side counters; local mode runs executors in this JVM. */
    static final AtomicInteger CHUNKS_STAGED = new AtomicInteger();
    static final AtomicInteger KILLED = new AtomicInteger();

    SparkSession spark;
    PostgresDatabase pg;
    DuckDb duck;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        pg = TestDatabases.postgres().createDatabase("spark_it");
        pg.execute("CREATE TABLE items (id bigint PRIMARY KEY, grp int NOT NULL, name text, amount numeric(12,2),"
                        + " at timestamptz NOT NULL)",
                "INSERT INTO items SELECT g, g % 7, CASE WHEN g % 11 = 0 THEN NULL ELSE 'name ' || g || repeat('é', g % 5)"
                        + " END, CASE WHEN g % 5 = 0 THEN NULL ELSE (g * 1.25)::numeric(12,2) - 500 END,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, "
                        + ROWS + ") g",
                "ANALYZE");
        duck = new DuckDb();
        spark = SparkSession.builder().master("local[2,4]").appName("rivet-spark-it")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (duck != null) {
            duck.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private Export.Builder pgExport(String name, Path out) {
        return Export.builder().name(name).source(Source.jdbcUrl(pg.jdbcUrl()).toBuilder().user(pg.user()).build())
                .table("items").mode(Mode.chunked("id").chunkSize(2_500).parallelism(2)).format(Format.parquet())
                .sink(Sink.local(out));
    }

    private Rivet engine(Path state) {
        return Rivet.builder().stateStore(StateStores.file(state)).build();
    }

    private String files(Path out, ExportResult r) {
        List<String> keys = DuckDb.manifestKeys(out.resolve(r.manifestKey()));
        StringBuilder list = new StringBuilder("[");
        for (String k : keys) {
            list.append(list.length() > 1 ? ", " : "").append('\'').append(out.resolve(k)).append('\'');
        }
        return "read_parquet(" + list.append(']') + ")";
    }

    /** count, distinct ids, sum of amount, as DuckDB reads them. */
    private List<String> stats(String relation) {
        return duck.rows("SELECT count(*), count(DISTINCT id), sum(amount) FROM " + relation).get(0);
    }

    private List<String> sourceStats() throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), sum(amount) FROM items")) {
            rs.next();
            return List.of(rs.getString(1), rs.getString(2), rs.getString(3));
        }
    }

    /** Files under the run's prefix beyond the manifest's, _SUCCESS and manifest.json: must be none. */
    private void assertNoStrayFiles(Path out, ExportResult r) {
        String prefix = r.exportName() + "/" + r.runId() + "/";
        List<String> expected = new ArrayList<>(DuckDb.manifestKeys(out.resolve(r.manifestKey())));
        expected.add(prefix + "_SUCCESS");
        expected.add(prefix + "manifest.json");
        List<String> actual = DuckDb.filesUnder(out).stream().filter(f -> f.startsWith(prefix)).toList();
        assertEquals(expected.stream().sorted().toList(), actual);
    }

    @Test
    void postgresExportEqualsSourceAndSingleMachineRunWithinConnectionLimit() throws Exception {
        Path sparkOut = dir.resolve("spark");
        Path localOut = dir.resolve("local");
        int maxConnections = 2;
        // A throttle keeps each chunk's connection busy long enough for the sampler to see it.
        Profile slow = Profile.custom().batchRows(1_000).throttle(Duration.ofMillis(40)).build();
        SessionSampler sampler = new SessionSampler(pg);
        ExportResult r;
        try (Rivet rivet = engine(dir.resolve("state-spark"))) {
            sampler.start();
            r = RivetSpark.run(spark, rivet, pgExport("pg_items", sparkOut).profile(slow).build(),
                    RivetSpark.Options.defaults().maxConnections(maxConnections));
        } finally {
            sampler.stop();
        }
        ExportResult single;
        try (Rivet rivet = engine(dir.resolve("state-local"))) {
            single = rivet.run(pgExport("pg_items", localOut).build());
        }
        assertEquals(RunStatus.SUCCEEDED, r.status());
        assertEquals(8, r.chunks());
        assertEquals(ROWS, r.rows());
        List<String> source = sourceStats();
        assertEquals(source.get(0), stats(files(sparkOut, r)).get(0));
        assertEquals(source.get(1), stats(files(sparkOut, r)).get(1));
        assertEquals(new java.math.BigDecimal(source.get(2)), new java.math.BigDecimal(stats(files(sparkOut, r)).get(2)));
        assertEquals(stats(files(localOut, single)), stats(files(sparkOut, r)));
        // The same rows, value for value, as the single-machine run.
        assertEquals(0, duck.scalar("SELECT count(*) FROM (SELECT * FROM " + files(sparkOut, r) + " EXCEPT ALL SELECT * FROM "
                + files(localOut, single) + ")"));
        assertEquals(0, duck.scalar("SELECT count(*) FROM (SELECT * FROM " + files(localOut, single) + " EXCEPT ALL SELECT * FROM "
                + files(sparkOut, r) + ")"));
        // Same deterministic file names, chunk by chunk.
        assertEquals(single.files().stream().map(f -> f.key().substring(f.key().lastIndexOf('/'))).toList(),
                r.files().stream().map(f -> f.key().substring(f.key().lastIndexOf('/'))).toList());
        assertNoStrayFiles(sparkOut, r);
        System.out.println("[rivet-spark it] peak export sessions: " + sampler.max() + " (limit " + maxConnections + ")");
        assertTrue(sampler.max() >= 1, "the sampler saw no export session; it cannot check the limit");
        assertTrue(sampler.max() <= maxConnections, "sessions peaked at " + sampler.max() + " > " + maxConnections);
    }

    @Test
    void taskKilledMidChunkIsRetriedWithoutDuplicates() throws Exception {
        Path out = dir.resolve("killed");
        KILLED.set(0);
        ExportResult r;
        try (Rivet rivet = engine(dir.resolve("state-killed"))) {
            // Chunk 3 runs after chunk 1 in the same partition: the failed attempt had published chunk 1 and staged
            // chunk 3's (several) files; the retry publishes both again under the same names.
            r = RivetSpark.run(spark, rivet, pgExport("pg_killed", out).maxFileSize(DataSize.ofKibibytes(16)).build(),
                    RivetSpark.Options.defaults().maxConnections(2).executorHook(task -> {
                        if (task.index() == 3 && TaskContext.get().attemptNumber() == 0) {
                            KILLED.incrementAndGet();
                            throw new IllegalStateException("killed mid-chunk by the test");
                        }
                    }));
        }
        assertEquals(1, KILLED.get());
        assertEquals(ROWS, r.rows());
        assertEquals(List.of(String.valueOf(ROWS), String.valueOf(ROWS)), stats(files(out, r)).subList(0, 2));
        assertTrue(r.files().size() > 8, "maxFileSize should roll chunks into several files: " + r.files().size());
        assertNoStrayFiles(out, r);
    }

    @Test
    void driverFailureThenRerunResumesFromCommittedChunks() throws Exception {
        Path out = dir.resolve("resume");
        Path state = dir.resolve("state-resume");
        Export export = pgExport("pg_resume", out).build();
        AtomicInteger recorded = new AtomicInteger();
        try (Rivet rivet = engine(state)) {
            RivetException e = assertThrows(RivetException.class, () -> RivetSpark.run(spark, rivet, export,
                    RivetSpark.Options.defaults().maxConnections(2).driverHook(res -> {
                        if (recorded.incrementAndGet() == 2) {
                            throw new IllegalStateException("driver died after two chunks were committed");
                        }
                    })));
            assertTrue(String.valueOf(e.getMessage()).contains("driver died"), e.getMessage());
            long done = rivet.stateStore().unfinishedChunkRun("pg_resume").orElseThrow().chunks().stream()
                    .filter(c -> c.status() == ChunkStatus.DONE).count();
            assertEquals(2, done);
        }
        CHUNKS_STAGED.set(0);
        ExportResult r;
        try (Rivet rivet = engine(state)) {
            r = RivetSpark.run(spark, rivet, export, RivetSpark.Options.defaults().maxConnections(2).resume(true)
                    .executorHook(task -> CHUNKS_STAGED.incrementAndGet()));
            assertTrue(rivet.stateStore().unfinishedChunkRun("pg_resume").isEmpty());
        }
        assertTrue(r.resumed());
        assertEquals(8 - 2, CHUNKS_STAGED.get(), "the resumed run should read only the uncommitted chunks");
        assertEquals(ROWS, r.rows());
        assertEquals(List.of(String.valueOf(ROWS), String.valueOf(ROWS)), stats(files(out, r)).subList(0, 2));
        assertNoStrayFiles(out, r);
    }

    @Test
    void mariaDbExportEqualsSourceAndSingleMachineRun() throws Exception {
        try (MySqlDatabase my = TestDatabases.mysql().createDatabase("spark_it")) {
            my.execute("CREATE TABLE digits (n int PRIMARY KEY)",
                    "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)",
                    "CREATE TABLE items (id bigint PRIMARY KEY, name varchar(100), amount decimal(12,2))",
                    "INSERT INTO items SELECT n, CASE WHEN n % 11 = 0 THEN NULL ELSE CONCAT('name ', n) END,"
                            + " CASE WHEN n % 5 = 0 THEN NULL ELSE n * 1.25 - 500 END FROM (SELECT a.n + 10 * b.n"
                            + " + 100 * c.n + 1000 * d.n + 1 AS n FROM digits a, digits b, digits c, digits d) seq");
            Source source = Source.jdbcUrl(my.jdbcUrl()).toBuilder().user(my.user()).build();
            Export.Builder export = Export.builder().name("my_items").source(source).table("items")
                    .mode(Mode.chunked("id").chunkSize(1_500).parallelism(2)).format(Format.parquet());
            Path sparkOut = dir.resolve("my-spark");
            Path localOut = dir.resolve("my-local");
            ExportResult r;
            ExportResult single;
            try (Rivet rivet = engine(dir.resolve("state-my-spark"))) {
                r = RivetSpark.run(spark, rivet, export.sink(Sink.local(sparkOut)).build(),
                        RivetSpark.Options.defaults().maxConnections(2));
            }
            try (Rivet rivet = engine(dir.resolve("state-my-local"))) {
                single = rivet.run(export.sink(Sink.local(localOut)).build());
            }
            List<String> source10k;
            try (Connection c = my.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), sum(amount) FROM items")) {
                rs.next();
                source10k = List.of(rs.getString(1), rs.getString(2), rs.getString(3));
            }
            assertEquals(7, r.chunks());
            List<String> got = stats(files(sparkOut, r));
            assertEquals(source10k.subList(0, 2), got.subList(0, 2));
            assertEquals(new java.math.BigDecimal(source10k.get(2)), new java.math.BigDecimal(got.get(2)));
            assertEquals(stats(files(localOut, single)), got);
            assertEquals(0, duck.scalar("SELECT count(*) FROM (SELECT * FROM " + files(sparkOut, r)
                    + " EXCEPT ALL SELECT * FROM " + files(localOut, single) + ")"));
            assertNoStrayFiles(sparkOut, r);
        }
    }

    @Test
    void refusesASourceThatCannotTravelToExecutors() {
        try (Rivet rivet = engine(dir.resolve("state-refuse"))) {
            Export export = pgExport("pg_refused", dir.resolve("refused")).source(Source.postgres(pg.dataSource()))
                    .build();
            RivetConfigException e = assertThrows(RivetConfigException.class,
                    () -> RivetSpark.run(spark, rivet, export, RivetSpark.Options.defaults()));
            assertTrue(e.getMessage().contains("cannot run on Spark") && e.getMessage().contains("DataSource"),
                    e.getMessage());
            assertFalse(dir.resolve("refused").resolve("pg_refused").toFile().exists()
                    && DuckDb.filesUnder(dir.resolve("refused")).stream().anyMatch(f -> f.endsWith(".parquet")));
        }
    }

    @Test
    void sparkSubmitMainRunsTheExportsOfARivetYaml() throws Exception {
        Path yaml = dir.resolve("main").resolve("rivet.yaml");
        java.nio.file.Files.createDirectories(yaml.getParent());
        java.nio.file.Files.writeString(yaml, """
                source:
                  type: postgres
                  url: %s
                  user: %s
                exports:
                  - name: main_items
                    table: items
                    mode: chunked
                    chunk_column: id
                    chunk_size: 5000
                    format: parquet
                    destination: {type: local, path: out}
                """.formatted(pg.jdbcUrl(), pg.user()));
        assertEquals(2, RivetSparkMain.run(new String[] {yaml.toString(), "--bogus"}, spark));
        assertEquals(0, RivetSparkMain.run(new String[] {yaml.toString(), "--max-connections", "2"}, spark));
        Path out = yaml.getParent().resolve("out");
        List<String> success = DuckDb.filesUnder(out).stream().filter(f -> f.endsWith("_SUCCESS")).toList();
        assertEquals(1, success.size(), String.valueOf(DuckDb.filesUnder(out)));
        Path manifest = out.resolve(success.get(0).replace("_SUCCESS", "manifest.json"));
        StringBuilder list = new StringBuilder();
        for (String k : DuckDb.manifestKeys(manifest)) {
            list.append(list.length() > 0 ? ", " : "").append('\'').append(out.resolve(k)).append('\'');
        }
        assertEquals(DuckDb.manifestKeys(manifest).size(), 4);
        assertEquals(List.of(String.valueOf(ROWS), String.valueOf(ROWS)),
                stats("read_parquet([" + list + "])").subList(0, 2));
    }

    @Test
    void refusesASourceUrlCarryingAPassword() {
        try (Rivet rivet = engine(dir.resolve("state-refuse-pw"))) {
            Export export = pgExport("pg_refused_pw", dir.resolve("refused-pw"))
                    .source(Source.jdbcUrl("postgresql://u:secret@127.0.0.1:5432/x")).build();
            RivetConfigException e = assertThrows(RivetConfigException.class,
                    () -> RivetSpark.run(spark, rivet, export, RivetSpark.Options.defaults()));
            assertTrue(e.getMessage().contains("password_env"), e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
    }

    /** Samples the database's sessions (other than its own) from pg_stat_activity in a loop, keeping the peak. */
    static final class SessionSampler {
        private final PostgresDatabase db;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicInteger max = new AtomicInteger();
        private Thread thread;
        private volatile Throwable failure;

        SessionSampler(PostgresDatabase db) {
            this.db = db;
        }

        void start() {
            running.set(true);
            thread = new Thread(() -> {
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    while (running.get()) {
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                                + db.name() + "' AND pid <> pg_backend_pid()")) {
                            rs.next();
                            max.accumulateAndGet(rs.getInt(1), Math::max);
                        }
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }, "pg-session-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
            if (failure != null) {
                throw new AssertionError("the session sampler failed", failure);
            }
        }

        int max() {
            return max.get();
        }
    }
}
