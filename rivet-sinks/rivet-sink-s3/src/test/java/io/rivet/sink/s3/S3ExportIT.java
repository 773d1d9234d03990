package io.rivet.sink.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.rivet.sink.s3.testing.S3Server;
import io.rivet.sink.s3.testing.S3ServerExtension;
import io.rivet.state.RunStatus;
import io.rivet.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A chunked PostgreSQL export with parallel workers to a real S3-compatible server lands exactly the rows the same
 * export lands on the local sink: the objects listed in the S3 manifest are downloaded and both outputs are read back
 * with DuckDB and compared row by row.
 */
class S3ExportIT {
    @RegisterExtension
    static final S3ServerExtension S3 = new S3ServerExtension("exports");

    private static TestDatabases.PostgresDatabase db;
    private static DuckDb duck;
    private static S3Client client;

    @TempDir
    Path dir;
    private Rivet rivet;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.postgres().createDatabase("s3_export_it");
        db.execute("CREATE TABLE items (id bigint PRIMARY KEY, grp int NOT NULL, name text, amount numeric(12,2),"
                        + " score double precision, flag boolean, created_at timestamptz NOT NULL, day date,"
                        + " payload jsonb, uid uuid)",
                "INSERT INTO items SELECT g, g % 7, CASE WHEN g % 11 = 0 THEN NULL WHEN g % 13 = 0 THEN ''"
                        + " ELSE 'name ' || g || repeat('é', g % 5) END,"
                        + " CASE WHEN g % 5 = 0 THEN NULL ELSE (g * 1.25)::numeric(12,2) - 500 END,"
                        + " g / 3.0, CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' + g * interval '7 us',"
                        + " date '1969-12-25' + (g % 20000), CASE WHEN g % 4 = 0 THEN NULL"
                        + " ELSE jsonb_build_object('g', g, 'k', 'v' || g) END,"
                        + " md5(g::text)::uuid FROM generate_series(1, 30000) g",
                "ANALYZE items");
        duck = new DuckDb();
        client = S3.server().client();
    }

    @AfterAll
    static void tearDown() {
        if (client != null) {
            client.close();
        }
        if (duck != null) {
            duck.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void engine() {
        rivet = Rivet.builder().stateStore(StateStores.file(dir.resolve(".rivet"))).build();
    }

    @AfterEach
    void closeEngine() {
        rivet.stateStore().close();
        rivet.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void chunkedParallelExport_landsTheSameRowsAsTheLocalSink(String format) throws Exception {
        Export.Builder base = Export.builder().name("items_" + format)
                .source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build()).table("items")
                .format(format.equals("csv") ? Format.csv() : Format.parquet())
                .mode(Mode.chunked("id").chunkSize(4000).parallelism(3))
                .maxFileSize(DataSize.ofKibibytes(64)).batchRows(500).validate(true);
        Path local = dir.resolve("local");
        ExportResult onDisk = rivet.run(base.sink(Sink.local(local)).build());

        ExportResult inS3;
        try (S3Sink sink = S3Sink.builder().client(client).bucket("exports").prefix("it/" + format).build()) {
            inS3 = rivet.run(base.sink(sink).build());
        }

        assertEquals(RunStatus.SUCCEEDED, inS3.status());
        assertEquals(30000, inS3.rows());
        assertEquals(8, inS3.chunks());
        assertTrue(inS3.files().size() > 8, "files rolled at 64KB: " + inS3.files().size());
        String prefix = "it/" + format + "/";
        List<String> manifestKeys = keysOfManifest(prefix + inS3.manifestKey());
        assertOnlyManifestObjectsVisible(prefix, inS3, manifestKeys);
        Path downloaded = download(prefix, manifestKeys, dir.resolve("from-s3"));

        List<String> localFiles = new ArrayList<>();
        for (String key : DuckDb.manifestKeys(local.resolve(onDisk.manifestKey()))) {
            localFiles.add(local.resolve(key).toString());
        }
        List<List<String>> fromS3 = duck.rows(select(read(format, filesUnder(downloaded))));
        List<List<String>> fromDisk = duck.rows(select(read(format, localFiles)));
        assertEquals(30000, fromS3.size());
        assertEquals(fromDisk, fromS3);
    }

    @Test
    void uriSink_isResolvedByScheme_ownedAndClosedByTheEngine() throws Exception {
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        try {
            ExportResult r = rivet.run(Export.builder().name("by_uri")
                    .source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                    .query("SELECT id, name FROM items WHERE id <= 1000").format(Format.parquet())
                    .sink(Sink.uri(java.net.URI.create("s3://exports/by-uri"),
                            Map.of("endpoint", S3.server().endpoint().toString(), "part_size", "5MB")))
                    .build());
            assertEquals(1000, r.rows());
            List<String> keys = keysOfManifest("by-uri/" + r.manifestKey());
            Path files = download("by-uri/", keys, dir.resolve("by-uri"));
            assertEquals(List.of(List.of("1000", "500500")), duck.rows("SELECT count(*), sum(id) FROM "
                    + read("parquet", filesUnder(files))));
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Every object under the run's prefix is in the manifest, plus manifest.json and _SUCCESS; no upload is left. */
    static void assertOnlyManifestObjectsVisible(S3Client client, String bucket, String prefix, ExportResult r,
            List<String> manifestKeys) {
        String runPrefix = prefix + r.exportName() + "/" + r.runId() + "/";
        List<String> expected = new ArrayList<>();
        for (String key : manifestKeys) {
            expected.add(prefix + key);
        }
        expected.add(runPrefix + "_SUCCESS");
        expected.add(runPrefix + "manifest.json");
        expected.sort(null);
        List<String> visible = client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(runPrefix)).contents()
                .stream().map(o -> o.key()).sorted().toList();
        assertEquals(expected, visible);
        assertEquals(0, client.listMultipartUploads(b -> b.bucket(bucket).prefix(runPrefix)).uploads().size(),
                "no incomplete multipart upload is left");
    }

    private void assertOnlyManifestObjectsVisible(String prefix, ExportResult r, List<String> manifestKeys) {
        assertOnlyManifestObjectsVisible(client, "exports", prefix, r, manifestKeys);
    }

    static List<String> keysOfManifest(S3Client client, String bucket, String key, Path scratch) throws Exception {
        Path manifest = Files.createTempFile(scratch, "manifest", ".json");
        Files.write(manifest, client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        return DuckDb.manifestKeys(manifest);
    }

    private List<String> keysOfManifest(String key) throws Exception {
        return keysOfManifest(client, "exports", key, dir);
    }

    static Path download(S3Client client, String bucket, String prefix, List<String> keys, Path target)
            throws Exception {
        Files.createDirectories(target);
        int i = 0;
        for (String key : keys) {
            Path file = target.resolve(String.format("%05d-%s", i++, key.substring(key.lastIndexOf('/') + 1)));
            Files.write(file, client.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)).asByteArray());
        }
        return target;
    }

    private Path download(String prefix, List<String> keys, Path target) throws Exception {
        return download(client, "exports", prefix, keys, target);
    }

    static List<String> filesUnder(Path dir) {
        List<String> files = new ArrayList<>();
        for (String f : DuckDb.filesUnder(dir)) {
            files.add(dir.resolve(f).toString());
        }
        return files;
    }

    static String read(String format, List<String> files) {
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

    /** Every column as text, ordered by id: the same rendering for both outputs. */
    private static String select(String from) {
        return "SELECT id::bigint, grp::int, name::text, amount::decimal(12,2)::text, round(score::double, 9)::text,"
                + " flag::boolean::text, epoch_us(created_at::timestamptz)::text, day::date::text, payload::text,"
                + " uid::uuid::text FROM " + from + " ORDER BY id::bigint";
    }
}
