package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Quality;
import io.rivet.Rivet;
import io.rivet.SchemaDriftPolicy;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.MySqlDatabase;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.CheckFailedException;
import io.rivet.exception.SchemaDriftException;
import io.rivet.state.CursorState;
import io.rivet.state.RunStatus;
import io.rivet.state.StateStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifying and operating on MySQL/MariaDB, as {@code PostgresExportIT} and {@link NotificationsAndDriftIT} do on
 * PostgreSQL: reconcile (match and mismatch, one snapshot and per chunk), validate against the local sink, every
 * quality gate passing and failing (a failing gate publishes no manifest or {@code _SUCCESS} and leaves the cursor
 * where it was), and the three schema drift policies after an {@code ALTER TABLE}. Outputs are read back by DuckDB.
 */
class MySqlVerifyIT {
    /** Rows 1..N of a digits cross join: portable between MySQL 8 and MariaDB. */
    private static final String SEQ = "(SELECT a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 1 AS n"
            + " FROM digits a, digits b, digits c, digits d) seq";
    /**
     * True while the statement running on this session is not Rivet's reconciling COUNT (which wraps the read as
     * {@code ... AS _rivet_count}): a query with this predicate yields its rows to the read and none to the count, in
     * the same snapshot. The pattern is split so that the query's own text does not contain it.
     */
    private static final String NOT_COUNTING = "NOT EXISTS (SELECT 1 FROM information_schema.PROCESSLIST"
            + " WHERE ID = CONNECTION_ID() AND INFO LIKE CONCAT('%AS _rivet', '_count%'))";
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static MySqlDatabase db;
    private static DuckDb duck;

    @TempDir
    Path out;
    private Rivet rivet;

    @BeforeAll
    static void createTables() {
        db = TestDatabases.mysql().createDatabase("verify_it");
        duck = new DuckDb();
        db.execute("SET time_zone = '+00:00'",
                "CREATE TABLE digits (n int PRIMARY KEY)",
                "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)",
                "CREATE TABLE items (id bigint PRIMARY KEY, grp int NOT NULL, note varchar(20),"
                        + " updated_at datetime(6) NOT NULL)",
                "INSERT INTO items SELECT n, n % 7, CASE WHEN n % 4 = 0 THEN NULL ELSE CONCAT('n', n) END,"
                        + " TIMESTAMP('2024-01-01') + INTERVAL n SECOND FROM " + SEQ + " WHERE n <= 2500");
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

    private Export.Builder export(String name) {
        return Export.builder().name(name).source(Source.builder().url(db.jdbcUrl()).user(db.user())
                .password(db.password()).build()).format(Format.parquet()).sink(Sink.local(out));
    }

    /** A copy of {@code items} of its own, so a test may add rows or columns. */
    private static String copyOfItems() {
        String name = "items_" + TABLES.incrementAndGet();
        db.execute("CREATE TABLE " + name + " LIKE items", "INSERT INTO " + name + " SELECT * FROM items");
        return name;
    }

    private long duckCount(ExportResult r) {
        List<String> keys = DuckDb.manifestKeys(out.resolve(r.manifestKey()));
        StringBuilder list = new StringBuilder();
        for (String key : keys) {
            list.append(list.length() == 0 ? "" : ", ").append('\'').append(out.resolve(key)).append('\'');
        }
        String read = keys.get(0).endsWith(".csv")
                ? "read_csv([" + list + "], header = true)" : "read_parquet([" + list + "])";
        return Long.parseLong(duck.rows("SELECT count(*) FROM " + read).get(0).get(0));
    }

    private long duckSumOfIds(ExportResult r) {
        StringBuilder list = new StringBuilder();
        for (String key : DuckDb.manifestKeys(out.resolve(r.manifestKey()))) {
            list.append(list.length() == 0 ? "" : ", ").append('\'').append(out.resolve(key)).append('\'');
        }
        return Long.parseLong(duck.rows("SELECT sum(id) FROM read_parquet([" + list + "])").get(0).get(0));
    }

    /** The run directories under an export's prefix that hold a manifest or a {@code _SUCCESS} marker. */
    private List<String> publishedRuns(String exportName) {
        return DuckDb.filesUnder(out.resolve(exportName)).stream()
                .filter(f -> f.endsWith("/manifest.json") || f.endsWith("/_SUCCESS"))
                .map(f -> f.substring(0, f.indexOf('/'))).distinct().toList();
    }

    // ------------------------------------------------------------------ reconcile

    @ParameterizedTest
    @ValueSource(strings = {"full", "chunked"})
    void reconcile_sourceCountMatchesInsideEachSnapshot(String mode) {
        Export.Builder b = export("reconciled_" + mode).table("items").reconcile(true);
        if (mode.equals("chunked")) {
            b.mode(Mode.chunked("id").chunkSize(700).parallelism(2));
        }
        ExportResult r = rivet.run(b.build());
        assertEquals(RunStatus.SUCCEEDED, r.status());
        assertEquals(2500, r.rows());
        assertEquals(2500, duckCount(r));
        assertEquals(2500L * 2501 / 2, duckSumOfIds(r));
    }

    @Test
    void reconcile_aMismatchFailsTheRunAndPublishesNothing() {
        CheckFailedException e = assertThrows(CheckFailedException.class, () -> rivet.run(
                export("unreconciled").reconcile(true)
                        .query("SELECT id FROM items WHERE id <= 100 AND " + NOT_COUNTING).build()));
        assertTrue(e.getMessage().contains("the source counts 0 rows in the same snapshot but 100 were written"),
                e.getMessage());
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("unreconciled")));
    }

    @Test
    void reconcile_perChunk_aMismatchNamesTheChunkAndPublishesNoManifest() {
        CheckFailedException e = assertThrows(CheckFailedException.class, () -> rivet.run(
                export("unreconciled_chunks").reconcile(true).mode(Mode.chunked("id").chunkSize(400).parallelism(2))
                        .query("SELECT id, grp FROM items WHERE " + NOT_COUNTING).build()));
        // Whichever of the two workers' chunks fails first stops the run; each holds 400 rows (the last one 100).
        assertTrue(e.getMessage().matches("(?s).*reconcile failed for reading chunk \\d of 7 \\(id \\d+\\.\\.\\d+\\):"
                + " the source counts 0 rows in the same snapshot but (400|100) were written.*"), e.getMessage());
        assertEquals(List.of(), publishedRuns("unreconciled_chunks"));
    }

    // ------------------------------------------------------------------ validate

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void validate_readsEveryFileBackAndPublishesWhenItMatches(String format) {
        ExportResult r = rivet.run(export("validated_" + format).table("items")
                .format(format.equals("csv") ? Format.csv() : Format.parquet())
                .mode(Mode.chunked("id").chunkSize(1000).parallelism(2)).validate(true).build());
        assertEquals(2500, r.rows());
        assertEquals(2500, duckCount(r));
    }

    @Test
    void validate_failsAndPublishesNoManifestWhenTheDestinationAlteredAFile() {
        Sink altering = new FailingSink(Sink.local(out), "\u0000") {
            @Override
            public InputStream read(String key) {
                try (InputStream in = super.read(key)) {
                    byte[] bytes = in.readAllBytes();
                    bytes[bytes.length / 2] ^= 1;
                    return new ByteArrayInputStream(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        CheckFailedException e = assertThrows(CheckFailedException.class,
                () -> rivet.run(export("altered").table("items").sink(altering).validate(true).build()));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertEquals(List.of(), publishedRuns("altered"));
    }

    // ------------------------------------------------------------------ quality gates

    /**
     * Each gate passes on a first incremental run of 2,500 rows and fails on a second one of 10 new rows: the failed
     * run publishes no manifest or {@code _SUCCESS} and leaves the cursor, so a third run without the gate exports
     * exactly those 10 rows.
     */
    @ParameterizedTest
    @ValueSource(strings = {"row_count_min", "row_count_max", "null_ratio_max", "unique_columns"})
    void qualityGate_passes_thenFailsPublishingNothingAndKeepingTheCursor(String gate) {
        String table = copyOfItems();
        String name = "gated_" + gate;
        Quality passing = switch (gate) {
            case "row_count_min" -> Quality.builder().rowCountMin(2500).build();
            case "row_count_max" -> Quality.builder().rowCountMax(2500).build();
            case "null_ratio_max" -> Quality.builder().nullRatioMax("note", 0.3).build();
            default -> Quality.builder().addUniqueColumn("id").build();
        };
        Quality failing = switch (gate) {
            case "row_count_min" -> Quality.builder().rowCountMin(11).build();
            case "row_count_max" -> Quality.builder().rowCountMax(9).build();
            case "null_ratio_max" -> Quality.builder().nullRatioMax("note", 0.5).build();
            default -> Quality.builder().addUniqueColumn("grp").build();
        };
        Export.Builder b = export(name).table(table).mode(Mode.incremental("updated_at").tieBreaker("id"));

        ExportResult first = rivet.run(b.quality(passing).build());
        assertEquals(RunStatus.SUCCEEDED, first.status());
        assertEquals(2500, first.rows());
        CursorState cursor = rivet.stateStore().cursor(name).orElseThrow();

        // Ten new rows: all in group 1, none with a note.
        db.execute("INSERT INTO " + table + " SELECT 2500 + n, 1, NULL, TIMESTAMP('2024-02-01') + INTERVAL n SECOND"
                + " FROM " + SEQ + " WHERE n <= 10");
        CheckFailedException e = assertThrows(CheckFailedException.class,
                () -> rivet.run(b.quality(failing).build()));
        assertTrue(e.getMessage().contains(gate.equals("unique_columns") ? "column grp has" : gate), e.getMessage());
        assertEquals(List.of(first.runId()), publishedRuns(name), "the failed run published nothing");
        assertEquals(cursor, rivet.stateStore().cursor(name).orElseThrow(), "the cursor did not move");

        ExportResult third = rivet.run(b.quality(Quality.builder().build()).build());
        assertEquals(10, third.rows());
        assertEquals(10, duckCount(third));
        assertEquals(10 * 2500L + 55, duckSumOfIds(third));
    }

    // ------------------------------------------------------------------ schema drift

    @Test
    void drift_fail_writesNothingAndKeepsTheBaseline() {
        String table = copyOfItems();
        Export e = export("drift_fail").table(table).onSchemaDrift(SchemaDriftPolicy.FAIL).build();
        ExportResult first = rivet.run(e);
        assertFalse(first.schemaChanged());
        db.execute("ALTER TABLE " + table + " MODIFY grp bigint NOT NULL, ADD COLUMN w int");

        SchemaDriftException drift = assertThrows(SchemaDriftException.class, () -> rivet.run(e));
        assertTrue(drift.getMessage().contains("column grp changed from int32 to int64"), drift.getMessage());
        assertTrue(drift.getMessage().contains("column w added (int32)"), drift.getMessage());
        assertEquals(List.of(first.runId()), DuckDb.filesUnder(out.resolve("drift_fail")).stream()
                .map(f -> f.substring(0, f.indexOf('/'))).distinct().toList(), "the failed run wrote nothing");
        assertThrows(SchemaDriftException.class, () -> rivet.run(e), "the old baseline is kept");

        ExportResult accepted = rivet.run(e.toBuilder().onSchemaDrift(SchemaDriftPolicy.WARN).build());
        assertTrue(accepted.schemaChanged());
        assertTrue(accepted.warnings().get(0).contains("schema changed"), accepted.warnings().toString());
        assertFalse(rivet.run(e).schemaChanged(), "the warned run accepted the new schema");
    }

    @Test
    void drift_warnAndContinue_exportTheNewColumnAndAcceptIt() {
        String table = copyOfItems();
        for (SchemaDriftPolicy policy : List.of(SchemaDriftPolicy.WARN, SchemaDriftPolicy.CONTINUE)) {
            String name = "drift_" + policy.name().toLowerCase(java.util.Locale.ROOT);
            Export e = export(name).table(table).onSchemaDrift(policy).build();
            rivet.run(e);
            String column = "added_" + policy.name().toLowerCase(java.util.Locale.ROOT);
            db.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " varchar(5) DEFAULT 'x'");

            ExportResult changed = rivet.run(e);
            assertTrue(changed.schemaChanged(), policy.name());
            assertEquals(policy == SchemaDriftPolicy.WARN, changed.warnings().stream()
                    .anyMatch(w -> w.contains("column " + column + " added")), changed.warnings().toString());
            StringBuilder list = new StringBuilder();
            for (String key : DuckDb.manifestKeys(out.resolve(changed.manifestKey()))) {
                list.append(list.length() == 0 ? "" : ", ").append('\'').append(out.resolve(key)).append('\'');
            }
            assertEquals("2500", duck.rows("SELECT count(*) FROM read_parquet([" + list + "]) WHERE " + column
                    + " = 'x'").get(0).get(0));
            assertFalse(rivet.run(e).schemaChanged(), "the new schema was accepted");
        }
    }
}
