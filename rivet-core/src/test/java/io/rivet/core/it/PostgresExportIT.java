package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.ChunkedMode;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every mode, end to end, against a real PostgreSQL, with each output read back by DuckDB and compared with the
 * source row by row (or by count, distinct count and sum for the million-row table).
 */
class PostgresExportIT {
    private static TestDatabases.PostgresDatabase db;
    private static DuckDb duck;

    @TempDir
    Path out;
    private Rivet rivet;

    @BeforeAll
    static void createTables() {
        db = TestDatabases.postgres().createDatabase("export_it");
        duck = new DuckDb();
        db.execute("CREATE TABLE items (id bigint PRIMARY KEY, grp int NOT NULL, name text, amount numeric(12,2),"
                + " score double precision, flag boolean, created_at timestamptz NOT NULL, day date,"
                + " payload jsonb, uid uuid)",
                "INSERT INTO items SELECT g, g % 7, CASE WHEN g % 11 = 0 THEN NULL WHEN g % 13 = 0 THEN ''"
                        + " ELSE 'name ' || g || repeat('é', g % 5) END,"
                        + " CASE WHEN g % 5 = 0 THEN NULL ELSE (g * 1.25)::numeric(12,2) - 500 END,"
                        + " g / 3.0, CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' + g * interval '7 microseconds',"
                        + " date '1969-12-25' + g, CASE WHEN g % 4 = 0 THEN NULL ELSE jsonb_build_object('g', g, 'k', 'v' || g) END,"
                        + " md5(g::text)::uuid FROM generate_series(1, 2500) g",
                "CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, s text NOT NULL)",
                "INSERT INTO big SELECT g, (g::bigint * 7919 % 1000)::int, 'row-' || g FROM generate_series(1, 1000000) g",
                "CREATE TABLE nullable_key (k int, v text)",
                "INSERT INTO nullable_key VALUES (1, 'a'), (NULL, 'b'), (3, 'c')",
                "ANALYZE");
    }

    @AfterAll
    static void dropTables() {
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

    private Export.Builder export(String name, String format) {
        return Export.builder().name(name).source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .format(format.equals("csv") ? Format.csv() : Format.parquet()).sink(Sink.local(out));
    }

    // ------------------------------------------------------------------ full

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void full_exportsEveryRowWithItsValues(String format) throws Exception {
        ExportResult r = rivet.run(export("items_full_" + format, format).table("items").build());

        assertEquals(RunStatus.SUCCEEDED, r.status());
        assertEquals(2500, r.rows());
        assertEquals(expectedRows("SELECT * FROM items"), exportedRows(r, format));
        assertOnlyManifestFilesVisible(r);
    }

    // ------------------------------------------------------------------ incremental

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void incremental_secondRunPicksUpExactlyTheNewRowsIncludingTies(String format) throws Exception {
        String table = "events_inc_" + format;
        db.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, v text)",
                "INSERT INTO " + table + " SELECT g, timestamptz '2024-03-01 00:00:00+00' + (g / 10) * interval '1 second',"
                        + " 'v' || g FROM generate_series(1, 1000) g");
        Export e = export("inc_" + format, format).table(table)
                .mode(Mode.incremental("updated_at").tieBreaker("id")).build();

        ExportResult first = rivet.run(e);
        assertEquals(1000, first.rows());

        // New rows: some tie with the last exported cursor value (same updated_at, higher id), some are later.
        db.execute("INSERT INTO " + table + " SELECT g, (SELECT max(updated_at) FROM " + table + "), 'tie' || g"
                        + " FROM generate_series(1001, 1010) g",
                "INSERT INTO " + table + " SELECT g, timestamptz '2024-04-01 00:00:00+00', 'late' || g"
                        + " FROM generate_series(1011, 1030) g");
        ExportResult second = rivet.run(e);
        assertEquals(30, second.rows());
        assertEquals(expectedRows("SELECT * FROM " + table + " WHERE id > 1000"), exportedRows(second, format));

        ExportResult third = rivet.run(e);
        assertEquals(0, third.rows());
        assertEquals(RunStatus.SUCCEEDED, third.status());
    }

    @Test
    void incremental_withoutTieBreakerNeverDuplicatesAcrossRuns() throws Exception {
        db.execute("CREATE TABLE inc_plain (id bigint PRIMARY KEY, seq bigint NOT NULL)",
                "INSERT INTO inc_plain SELECT g, g FROM generate_series(1, 300) g");
        Export e = export("inc_plain", "parquet").table("inc_plain").mode(Mode.incremental("seq")).build();
        assertEquals(300, rivet.run(e).rows());
        db.execute("INSERT INTO inc_plain SELECT g, g FROM generate_series(301, 350) g");
        ExportResult second = rivet.run(e);
        assertEquals(50, second.rows());
        assertEquals(List.of(List.of("50", "301", "350")), duck.rows("SELECT count(*), min(id), max(id) FROM "
                + readFunction(second, "parquet")));
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
        assertEquals(expectedRows("SELECT * FROM items"), exportedRows(r, format));
        assertOnlyManifestFilesVisible(r);
    }

    @Test
    void chunked_defaultsToThePrimaryKeyAndHandlesAMillionRowsInParallel() throws Exception {
        ExportResult r = rivet.run(export("big", "parquet").table("big")
                .mode(Mode.chunked().chunkSize(100_000).parallelism(4)).profile(Profile.FAST).build());

        assertEquals(1_000_000, r.rows());
        assertEquals(10, r.chunks());
        List<List<String>> exported = duck.rows("SELECT count(*), count(DISTINCT id), sum(id), sum(v) FROM "
                + readFunction(r, "parquet"));
        List<List<String>> source = pgRows("SELECT count(*), count(DISTINCT id), sum(id), sum(v) FROM big");
        assertEquals(source, exported);
    }

    @Test
    void chunked_failedRunResumesToExactlyTheSourceRowsWithNoStrayFile() throws Exception {
        Export e = export("resume_me", "parquet").table("items").mode(Mode.chunked("id").chunkSize(250).parallelism(2))
                .maxRetries(0).build();
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
        assertEquals(expectedRows("SELECT * FROM items"), exportedRows(resumed, "parquet"));
        assertOnlyManifestFilesVisible(resumed);
        assertTrue(rivet.stateStore().unfinishedChunkRun("resume_me").isEmpty());
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
        db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, at timestamptz NOT NULL)",
                "INSERT INTO " + table + " SELECT g, now() - g * interval '1 hour' FROM generate_series(1, 100) g");
        ExportResult r = rivet.run(export("tw_" + format, format).table(table)
                .mode(Mode.timeWindow("at", Duration.ofHours(24).plusMinutes(30))).build());

        assertEquals(24, r.rows());
        assertEquals(expectedRows("SELECT * FROM " + table + " WHERE id <= 24"), exportedRows(r, format));
    }

    // ------------------------------------------------------------------ bad input and edge cases

    @Test
    void missingTable_isAConfigErrorNamingItAndWritesNothing() {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> rivet.run(export("ghost", "parquet").table("public.no_such_table").build()));
        assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("ghost")));
    }

    @Test
    void missingCursorColumn_isAConfigErrorNamingItAndWritesNothing() {
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> rivet.run(
                export("nocol", "parquet").table("items").mode(Mode.incremental("modified_at")).build()));
        assertTrue(e.getMessage().contains("cursor_column \"modified_at\""), e.getMessage());
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("nocol")));
    }

    @Test
    void skipEmpty_writesNothingForAnEmptyResult() {
        ExportResult r = rivet.run(export("empty", "parquet").query("SELECT * FROM items WHERE id < 0")
                .skipEmpty(true).build());
        assertEquals(RunStatus.SKIPPED, r.status());
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("empty")));
    }

    @Test
    void emptyResultWithoutSkipEmpty_writesOneEmptyFileWithTheSchema() throws Exception {
        ExportResult r = rivet.run(export("empty_kept", "parquet").query("SELECT id, name FROM items WHERE id < 0")
                .build());
        assertEquals(1, r.files().size());
        assertEquals(List.of(List.of("0")), duck.rows("SELECT count(*) FROM " + readFunction(r, "parquet")));
        assertEquals(List.of(List.of("id", "BIGINT"), List.of("name", "VARCHAR")), duck.rows(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + readFunction(r, "parquet") + ")"));
    }

    @Test
    void aQueryWithTwoStatements_isRefused() {
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> rivet.run(
                export("two", "parquet").query("SELECT 1; DROP TABLE items").build()));
        assertTrue(e.getMessage().contains("more than one statement"), e.getMessage());
    }

    // ------------------------------------------------------------------ quality gates

    @Test
    void qualityUnique_failsOnDuplicatesAcrossChunksAndPublishesNothing() {
        db.execute("CREATE TABLE dup_emails (id int PRIMARY KEY, email text)",
                "INSERT INTO dup_emails SELECT g, 'user' || (g % 900) || '@x' FROM generate_series(1, 1000) g");
        io.rivet.exception.CheckFailedException e = assertThrows(io.rivet.exception.CheckFailedException.class,
                () -> rivet.run(export("dups", "parquet").table("dup_emails")
                        .mode(Mode.chunked("id").chunkSize(200).parallelism(2))
                        .quality(io.rivet.Quality.builder().addUniqueColumn("id").addUniqueColumn("email").build())
                        .build()));
        assertTrue(e.getMessage().contains("column email has 100 duplicate values"), e.getMessage());
        assertFalse(e.getMessage().contains("column id"), e.getMessage());
        assertTrue(DuckDb.filesUnder(out.resolve("dups")).stream().noneMatch(f -> f.endsWith("manifest.json")));
        assertTrue(rivet.stateStore().cursor("dups").isEmpty());
    }

    @Test
    void qualityGates_passingGatesPublish() {
        ExportResult r = rivet.run(export("gated", "parquet").table("items")
                .quality(io.rivet.Quality.builder().rowCountMin(2500).rowCountMax(2500).nullRatioMax("name", 0.2)
                        .addUniqueColumn("id").addUniqueColumn("uid").build()).build());
        assertEquals(2500, r.rows());
        assertEquals(RunStatus.SUCCEEDED, r.status());
    }

    // ------------------------------------------------------------------ reconcile

    @ParameterizedTest
    @ValueSource(strings = {"full", "chunked"})
    void reconcile_sourceCountMatchesInsideEachSnapshot(String mode) throws Exception {
        Export.Builder b = export("reconciled_" + mode, "parquet").table("items").reconcile(true);
        if (mode.equals("chunked")) {
            b.mode(Mode.chunked("id").chunkSize(700).parallelism(2));
        }
        ExportResult r = rivet.run(b.build());
        assertEquals(2500, r.rows());
        assertEquals(expectedRows("SELECT * FROM items"), exportedRows(r, "parquet"));
    }

    @Test
    void reconcile_aMismatchFailsTheRunAndPublishesNothing() {
        // The query sees rows only while Rivet's own cursor (rivet_<n>) is open: 100 rows are read through it, and
        // the reconciling COUNT(*) in the same snapshot, after the cursor is closed, counts 0. SAFE reads through a
        // cursor.
        RivetException e = assertThrows(io.rivet.exception.CheckFailedException.class, () -> rivet.run(
                export("unreconciled", "parquet").profile(Profile.SAFE).reconcile(true)
                        .query("SELECT g FROM generate_series(1, 100) g"
                                + " WHERE EXISTS (SELECT 1 FROM pg_cursors WHERE name LIKE 'rivet\\_%')")
                        .build()));
        assertTrue(e.getMessage().contains("the source counts 0 rows in the same snapshot but 100 were written"),
                e.getMessage());
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("unreconciled")));
    }

    // ------------------------------------------------------------------ validate

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void validate_readsEveryFileBackAndPublishesWhenItMatches(String format) throws Exception {
        ExportResult r = rivet.run(export("validated_" + format, format).table("items")
                .mode(Mode.chunked("id").chunkSize(1000).parallelism(2)).validate(true).build());
        assertEquals(2500, r.rows());
        assertEquals(expectedRows("SELECT * FROM items"), exportedRows(r, format));
    }

    @Test
    void validate_failsAndPublishesNoManifestWhenTheDestinationAlteredAFile() {
        Sink altering = new FailingSink(Sink.local(out), "\u0000") {
            @Override
            public java.io.InputStream read(String key) {
                try (java.io.InputStream in = super.read(key)) {
                    byte[] bytes = in.readAllBytes();
                    bytes[bytes.length / 2] ^= 1;
                    return new java.io.ByteArrayInputStream(bytes);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        io.rivet.exception.CheckFailedException e = assertThrows(io.rivet.exception.CheckFailedException.class,
                () -> rivet.run(export("altered", "parquet").table("items").sink(altering).validate(true).build()));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertTrue(DuckDb.filesUnder(out.resolve("altered")).stream().noneMatch(f -> f.endsWith("manifest.json")));
    }

    // ------------------------------------------------------------------ helpers

    private String readFunction(ExportResult r, String format) {
        Path manifest = out.resolve(r.manifestKey());
        List<String> files = new ArrayList<>();
        for (String key : DuckDb.manifestKeys(manifest)) {
            files.add("'" + out.resolve(key) + "'");
        }
        String list = "[" + String.join(", ", files) + "]";
        return format.equals("csv")
                ? "read_csv(" + list + ", header = true, auto_detect = true, allow_quoted_nulls = false,"
                        + " sample_size = -1)"
                : "read_parquet(" + list + ")";
    }

    /** Rows of the items-shaped export rendered the same way on both sides, ordered by id. */
    private List<List<String>> exportedRows(ExportResult r, String format) {
        return duck.rows(canonicalSelect(readFunction(r, format), true));
    }

    private List<List<String>> expectedRows(String sql) throws Exception {
        return pgRows(canonicalSelect("(" + sql + ") AS src", false));
    }

    /** Columns present in every fixture table, cast to text identically in PostgreSQL and DuckDB. */
    private String canonicalSelect(String from, boolean duckDb) {
        List<String> cols = columnsOf(from, duckDb);
        List<String> exprs = new ArrayList<>();
        for (String name : cols) {
            String c = "\"" + name + "\"";
            exprs.add(switch (name) {
                case "created_at", "updated_at", "at" -> duckDb ? "epoch_us(" + c + "::timestamptz)"
                        : "(extract(epoch from " + c + ") * 1000000)::bigint";
                case "score" -> duckDb ? "round(" + c + "::double, 9)::decimal(30,9)::text"
                        : "round(" + c + "::numeric, 9)::decimal(30,9)::text";
                case "amount" -> c + "::decimal(12,2)::text";
                case "day" -> c + "::date::text";
                case "uid" -> c + "::uuid::text";
                case "payload" -> c + "::text";
                case "flag" -> c + "::boolean::text";
                default -> c + "::text";
            });
        }
        return "SELECT " + String.join(", ", exprs) + " FROM " + from + " ORDER BY \"id\"::bigint";
    }

    private List<String> columnsOf(String from, boolean duckDb) {
        List<String> names = new ArrayList<>();
        if (duckDb) {
            for (List<String> row : duck.rows("SELECT column_name FROM (DESCRIBE SELECT * FROM " + from + ")")) {
                names.add(row.get(0));
            }
            return names;
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + from + " LIMIT 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                names.add(rs.getMetaData().getColumnName(i));
            }
            return names;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<List<String>> pgRows(String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return DuckDb.collect(rs);
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
