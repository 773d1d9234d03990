package io.rivet.sink.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.rivet.DataSize;
import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.SinkException;
import io.rivet.state.RunStatus;
import io.rivet.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Chunked PostgreSQL exports with parallel workers into GCS (the client's in-memory storage): the same rows as the
 * local sink, read back with DuckDB; and a chunk whose upload fails with 503s leaves nothing readable, fails the run
 * retryably naming the object, and resume completes it.
 */
class GcsExportIT {
    private static TestDatabases.PostgresDatabase db;
    private static DuckDb duck;

    @TempDir
    Path dir;
    private Rivet rivet;
    private Storage storage;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.postgres().createDatabase("gcs_export_it");
        db.execute("CREATE TABLE items (id bigint PRIMARY KEY, name text, amount numeric(12,2),"
                        + " at timestamptz NOT NULL, payload text NOT NULL)",
                "INSERT INTO items SELECT g, CASE WHEN g % 11 = 0 THEN NULL ELSE 'name ' || g END,"
                        + " CASE WHEN g % 5 = 0 THEN NULL ELSE (g * 1.25)::numeric(12,2) END,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', repeat(md5(g::text), 4)"
                        + " FROM generate_series(1, 40000) g",
                "ANALYZE items");
        duck = new DuckDb();
    }

    @AfterAll
    static void tearDown() {
        if (duck != null) {
            duck.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void open() {
        rivet = Rivet.builder().stateStore(StateStores.file(dir.resolve(".rivet"))).build();
        storage = LocalStorageHelper.customOptions(false).getService();
    }

    @AfterEach
    void close() throws Exception {
        rivet.stateStore().close();
        rivet.close();
        storage.close();
    }

    private Export.Builder export(String name, String format) {
        return Export.builder().name(name).source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .table("items").format(format.equals("csv") ? Format.csv() : Format.parquet())
                .mode(Mode.chunked("id").chunkSize(10_000).parallelism(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void chunkedParallelExport_landsTheSameRowsAsTheLocalSink(String format) throws Exception {
        Path local = dir.resolve("local");
        ExportResult onDisk = rivet.run(export("items_" + format, format).sink(Sink.local(local)).build());
        ExportResult inGcs;
        try (GcsSink sink = GcsSink.builder().storage(storage).bucket("lake").prefix("it").build()) {
            inGcs = rivet.run(export("items_" + format, format).sink(sink).maxFileSize(DataSize.ofKibibytes(512))
                    .batchRows(1000).validate(true).build());
        }
        assertEquals(RunStatus.SUCCEEDED, inGcs.status());
        assertEquals(40_000, inGcs.rows());
        assertTrue(inGcs.files().size() > 4, "rolled files: " + inGcs.files().size());
        List<String> fromGcs = download(inGcs, "it/");
        List<String> fromDisk = new ArrayList<>();
        for (String key : DuckDb.manifestKeys(local.resolve(onDisk.manifestKey()))) {
            fromDisk.add(local.resolve(key).toString());
        }
        String select = "SELECT id::bigint, name::text, amount::decimal(12,2)::text,"
                + " epoch_us(\"at\"::timestamptz)::text, payload::text FROM %s ORDER BY id::bigint";
        List<List<String>> gcsRows = duck.rows(String.format(select, read(format, fromGcs)));
        assertEquals(40_000, gcsRows.size());
        assertEquals(duck.rows(String.format(select, read(format, fromDisk))), gcsRows);
    }

    @Test
    void failingUploads_leaveNothingReadable_andResumeCompletes() throws Exception {
        // Every upload of chunk 3's file fails from its second write on; other chunks succeed.
        FailingStorage failing = new FailingStorage(storage, name -> name.contains("part-00002-"), 2);
        Export e;
        try (GcsSink sink = GcsSink.builder().storage(failing.storage()).bucket("lake").prefix("faults")
                .chunkSize(DataSize.ofKibibytes(256)).build()) {
            e = export("faulty", "csv").sink(sink).maxRetries(0).build();
            SinkException failure = assertThrows(SinkException.class, () -> rivet.run(e));
            assertTrue(failure.retryable(), failure.getMessage());
            assertTrue(failure.getMessage().contains("gs://lake/faults/faulty/"), failure.getMessage());
            assertTrue(failure.getMessage().contains("503"), failure.getMessage());
            assertTrue(failing.failures.get() >= 1);
            String runId = rivet.stateStore().unfinishedChunkRun("faulty").orElseThrow().runId();
            Blob manifest = storage.get(BlobId.of("lake", "faults/faulty/" + runId + "/manifest.json"));
            assertEquals(null, manifest);
            for (Blob b : storage.list("lake", Storage.BlobListOption.prefix("faults/faulty/" + runId + "/part-00002-"))
                    .iterateAll()) {
                assertEquals(null, b.getSize(), "the failed chunk's upload was never finalised: " + b.getName());
            }

            failing.heal();
            ExportResult resumed = rivet.resume(e);
            assertTrue(resumed.resumed());
            assertEquals(runId, resumed.runId());
            assertEquals(40_000, resumed.rows());
            List<String> files = download(resumed, "faults/");
            assertEquals(List.of(List.of("40000", "800020000")), duck.rows("SELECT count(*), sum(id) FROM "
                    + read("csv", files)));
        }
    }

    private List<String> download(ExportResult r, String prefix) throws Exception {
        Path manifest = dir.resolve(r.runId() + "-manifest.json");
        Files.write(manifest, storage.readAllBytes(BlobId.of("lake", prefix + r.manifestKey())));
        Path target = Files.createDirectories(dir.resolve("download-" + r.runId()));
        List<String> files = new ArrayList<>();
        int i = 0;
        for (String key : DuckDb.manifestKeys(manifest)) {
            Path file = target.resolve(String.format("%05d-%s", i++, key.substring(key.lastIndexOf('/') + 1)));
            Files.write(file, storage.readAllBytes(BlobId.of("lake", prefix + key)));
            files.add(file.toString());
        }
        assertFalse(files.isEmpty());
        return files;
    }

    private static String read(String format, List<String> files) {
        StringBuilder list = new StringBuilder("[");
        for (String f : files) {
            list.append(list.length() == 1 ? "" : ", ").append('\'').append(f).append('\'');
        }
        list.append(']');
        return format.equals("csv")
                ? "read_csv(" + list + ", header = true, auto_detect = true, allow_quoted_nulls = false,"
                        + " sample_size = -1)"
                : "read_parquet(" + list + ")";
    }
}
