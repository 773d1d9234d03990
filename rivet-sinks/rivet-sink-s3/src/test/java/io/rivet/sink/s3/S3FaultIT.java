package io.rivet.sink.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.DataSize;
import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Rivet;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.RivetException;
import io.rivet.exception.SinkException;
import io.rivet.sink.s3.testing.FaultProxy;
import io.rivet.sink.s3.testing.FaultProxy.Action;
import io.rivet.sink.s3.testing.S3Server;
import io.rivet.state.FileRecord;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The store fails in the middle of an export, through a fault-injecting proxy in front of a real S3 server: a single
 * 500 on a part is retried invisibly; persistent 500s fail the run with a retryable error naming the object, leave
 * nothing visible and no incomplete upload, and resume completes it; a server killed mid-upload and restarted on the
 * same port and data leaves nothing partial, and resume cleans its leftover uploads and completes the run.
 */
class S3FaultIT {
    private static final String BUCKET = "faults";
    private static final int ROWS = 100_000;

    private static TestDatabases.PostgresDatabase db;
    private static DuckDb duck;
    private static S3Server server;
    private static S3Client direct;

    @TempDir
    Path dir;
    private FaultProxy proxy;
    private Rivet rivet;
    private S3Sink sink;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.postgres().createDatabase("s3_fault_it");
        // About 20 MB of CSV: two chunks of about 10 MB, at least two 5 MB parts each.
        db.execute("CREATE TABLE wide (id bigint PRIMARY KEY, payload text NOT NULL)",
                "INSERT INTO wide SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, " + ROWS + ") g",
                "ANALYZE wide");
        duck = new DuckDb();
        server = S3Server.start();
        server.createBucket(BUCKET);
        direct = server.client();
    }

    @AfterAll
    static void tearDown() {
        if (direct != null) {
            direct.close();
        }
        if (server != null) {
            server.close();
        }
        if (duck != null) {
            duck.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void open() {
        proxy = new FaultProxy(server.endpoint());
        rivet = Rivet.builder().stateStore(StateStores.file(dir.resolve(".rivet"))).build();
        sink = S3Sink.builder().bucket(BUCKET).prefix("runs").endpoint(proxy.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY,
                        S3Server.SECRET_KEY)))
                .partSize(DataSize.ofMebibytes(5)).maxAttempts(3).build();
    }

    @AfterEach
    void close() {
        sink.close();
        rivet.stateStore().close();
        rivet.close();
        proxy.close();
    }

    private Export export(String name) {
        return Export.builder().name(name).source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .table("wide").format(Format.csv()).mode(Mode.chunked("id").chunkSize(ROWS / 2).parallelism(2))
                .maxRetries(0).sink(sink).build();
    }

    @Test
    void a500OnTheThirdPart_isRetriedByTheClientAndTheExportCompletes() throws Exception {
        proxy.rule((kind, index) -> kind.equals("UploadPart") && index == 3 ? Action.FAIL_500 : Action.FORWARD);

        ExportResult r = rivet.run(export("transient"));

        assertEquals(ROWS, r.rows());
        assertEquals(0, r.retries(), "the SDK retried the part; no chunk had to be read again");
        long failed = proxy.seen().stream().filter(s -> s.action() == Action.FAIL_500).count();
        assertEquals(1, failed);
        long forwardedParts = proxy.seen().stream()
                .filter(s -> s.kind().equals("UploadPart") && s.action() == Action.FORWARD).count();
        assertEquals(forwardedParts + 1, proxy.count("UploadPart"));
        assertTrue(forwardedParts >= 4, "two files of at least two parts: " + forwardedParts);
        assertExportedRowsMatchTheSource(r);
    }

    @Test
    void persistent500s_failRetryablyWithNothingVisible_thenResumeCompletes() throws Exception {
        proxy.rule((kind, index) -> kind.equals("UploadPart") && index >= 2 ? Action.FAIL_500 : Action.FORWARD);
        Export e = export("persistent");

        RivetException failure = assertThrows(RivetException.class, () -> rivet.run(e));

        SinkException sinkFailure = assertInstanceOfSink(failure);
        assertTrue(sinkFailure.retryable(), "a 500 is transient");
        assertTrue(failure.getMessage().contains("500 InternalError"), failure.getMessage());
        assertTrue(failure.getMessage().contains("after 3 attempts"), failure.getMessage());
        assertTrue(failure.getMessage().contains("s3://" + BUCKET + "/runs/persistent/"), failure.getMessage());
        String runId = rivet.stateStore().unfinishedChunkRun("persistent").orElseThrow().runId();
        assertNothingPartialVisible("persistent", runId);
        assertEquals(0, incompleteUploads("runs/persistent/"), "failed uploads were aborted");

        proxy.rule((kind, index) -> Action.FORWARD);
        ExportResult resumed = rivet.resume(e);

        assertTrue(resumed.resumed());
        assertEquals(runId, resumed.runId());
        assertExportedRowsMatchTheSource(resumed);
    }

    @Test
    void serverKilledMidUpload_leavesNothingPartial_andResumeAfterRestartCompletes() throws Exception {
        proxy.hook((kind, index) -> {
            if (kind.equals("UploadPart") && index == 3) {
                server.kill();
            }
        });
        Export e = export("killed");

        RivetException failure = assertThrows(RivetException.class, () -> rivet.run(e));

        assertTrue(assertInstanceOfSink(failure).retryable(), "a vanished server is transient: " + failure);
        assertTrue(failure.getMessage().contains("dropped the connection"), failure.getMessage());
        assertFalse(server.isRunning());
        proxy.hook((kind, index) -> { });
        server.restart();
        String runId = rivet.stateStore().unfinishedChunkRun("killed").orElseThrow().runId();
        assertNothingPartialVisible("killed", runId);

        ExportResult resumed = rivet.resume(e);

        assertTrue(resumed.resumed());
        assertExportedRowsMatchTheSource(resumed);
    }

    // ------------------------------------------------------------------ helpers

    private static SinkException assertInstanceOfSink(RivetException e) {
        assertTrue(e instanceof SinkException, "a sink failure: " + e);
        return (SinkException) e;
    }

    /** No manifest, and every visible object is a complete file the ledger recorded (a chunk that finished). */
    private void assertNothingPartialVisible(String export, String runId) {
        String runPrefix = "runs/" + export + "/" + runId + "/";
        Set<String> committed = new HashSet<>();
        for (FileRecord f : rivet.stateStore().files(export, runId)) {
            committed.add("runs/" + f.key());
        }
        List<String> visible = direct.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(runPrefix)).contents()
                .stream().map(o -> o.key()).toList();
        assertFalse(visible.contains(runPrefix + "manifest.json"), "a failed run has no manifest");
        for (String key : visible) {
            assertTrue(committed.contains(key), "only files of finished chunks are visible: " + key + " in "
                    + visible);
        }
    }

    private int incompleteUploads(String prefix) {
        return direct.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads().size();
    }

    private void assertExportedRowsMatchTheSource(ExportResult r) throws Exception {
        List<String> keys = S3ExportIT.keysOfManifest(direct, BUCKET, "runs/" + r.manifestKey(), dir);
        S3ExportIT.assertOnlyManifestObjectsVisible(direct, BUCKET, "runs/", r, keys);
        Path files = S3ExportIT.download(direct, BUCKET, "runs/", keys, dir.resolve("download-" + r.runId()));
        List<List<String>> exported = duck.rows("SELECT count(*), count(DISTINCT id), sum(id), sum(length(payload))"
                + " FROM " + S3ExportIT.read("csv", S3ExportIT.filesUnder(files)));
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), sum(id), sum(length(payload))"
                        + " FROM wide")) {
            assertEquals(DuckDb.collect(rs), exported);
        }
    }
}
