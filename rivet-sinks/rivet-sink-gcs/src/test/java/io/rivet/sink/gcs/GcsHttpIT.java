package io.rivet.sink.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.SinkException;
import io.rivet.sink.gcs.internal.GcsSinkProvider;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GCS sink through the genuine client and HTTP transport, built by the provider exactly as a YAML destination is
 * ({@code endpoint}, {@code anonymous}, {@code chunk_size}), against {@link MiniGcsServer}: single-request and
 * resumable uploads, visibility only when the last chunk arrives, abandoned sessions on abort, the client's retry of
 * a chunk answered 503, a failure once the retries are used up, a CRC32C mismatch, and a missing bucket. It also
 * proves the HTTP client works without the gRPC transport jars the module excludes.
 */
class GcsHttpIT {
    private MiniGcsServer server;
    private GcsSink sink;

    @BeforeEach
    void open() {
        server = new MiniGcsServer("lake");
        sink = (GcsSink) new GcsSinkProvider().create(URI.create("gs://lake/http"), Map.of("endpoint",
                server.endpoint().toString(), "anonymous", "true", "project_id", "rivet-test", "chunk_size", "256KB",
                "max_attempts", "3"));
    }

    @AfterEach
    void close() {
        sink.close();
        server.close();
    }

    @Test
    void smallObject_isOneRequestAndRoundTrips() throws IOException {
        write("a/small.csv", "id\n1\n");
        assertEquals(List.of("http/a/small.csv"), server.names("lake"));
        assertEquals(List.of("a/small.csv"), sink.list("a/"));
        assertEquals("id\n1\n", new String(read("a/small.csv"), StandardCharsets.UTF_8));
        assertTrue(server.requests().stream().anyMatch(r -> r.contains("uploadType=multipart")), server.requests()
                .toString());
        assertTrue(sink.delete("a/small.csv"));
        assertFalse(sink.delete("a/small.csv"));
        assertEquals(List.of(), server.names("lake"));
    }

    @Test
    void resumableUpload_becomesVisibleOnlyWithItsLastChunk() throws IOException {
        byte[] data = GcsSinkTest.random(1024 * 1024 + 99, 11);
        try (ObjectWriter w = sink.open("b/big.parquet")) {
            w.stream().write(data);
            w.stream().close();
            assertEquals(List.of(), server.names("lake"), "chunks sent, upload not finalised");
            assertEquals(1, server.openSessions());
            w.commit();
        }
        assertEquals(List.of("http/b/big.parquet"), server.names("lake"));
        assertEquals(0, server.openSessions());
        assertArrayEquals(data, read("b/big.parquet"));
        assertTrue(server.chunkPuts() >= 4, "1 MB in 256 KB chunks: " + server.chunkPuts());
    }

    @Test
    void abort_abandonsTheSessionAndNothingAppears() throws IOException {
        ObjectWriter w = sink.open("c/aborted.parquet");
        w.stream().write(GcsSinkTest.random(700 * 1024, 12));
        w.abort();
        assertEquals(List.of(), server.names("lake"));
        assertEquals(List.of(), sink.list("c/"));
    }

    @Test
    void aChunkAnswered503_isRetriedByTheClient() throws IOException {
        server.failChunkPuts(n -> n == 2);
        byte[] data = GcsSinkTest.random(900 * 1024, 13);
        try (ObjectWriter w = sink.open("d/retried.bin")) {
            w.stream().write(data);
            w.commit();
        }
        assertArrayEquals(data, read("d/retried.bin"));
        assertTrue(server.chunkPuts() >= 5, "four chunks and one retry: " + server.chunkPuts());
    }

    @Test
    void persistent503s_failRetryablyNamingTheObject_andNothingAppears() {
        server.failChunkPuts(n -> n >= 2);
        Exception thrown = assertThrows(Exception.class, () -> {
            try (ObjectWriter w = sink.open("e/failed.bin")) {
                w.stream().write(GcsSinkTest.random(900 * 1024, 14));
                w.commit();
            }
        });
        // A write fails with an IOException carrying the SinkException (as the engine expects); a commit with it.
        SinkException e = thrown instanceof SinkException s ? s : (SinkException) thrown.getCause();
        assertTrue(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().contains("gs://lake/http/e/failed.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("503"), e.getMessage());
        assertEquals(List.of(), server.names("lake"));
    }

    @Test
    void anObjectStoredDamaged_isDeletedAndTheCommitFailsRetryably() {
        server.corruptNextObject();
        SinkException e = assertThrows(SinkException.class, () -> {
            try (ObjectWriter w = sink.open("f/damaged.bin")) {
                w.stream().write(GcsSinkTest.random(600 * 1024, 15));
                w.stream().close();
                w.commit();
            }
        });
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("arrived damaged") && e.getMessage().contains("CRC32C"), e.getMessage());
        assertEquals(List.of(), server.names("lake"), "the damaged object was deleted");
    }

    @Test
    void missingBucket_saysToCreateIt() {
        try (GcsSink wrong = (GcsSink) new GcsSinkProvider().create(URI.create("gs://no-such-bucket/x"), Map.of(
                "endpoint", server.endpoint().toString(), "anonymous", "true", "project_id", "rivet-test"))) {
            SinkException e = assertThrows(SinkException.class, () -> {
                try (ObjectWriter w = wrong.open("p.json")) {
                    w.stream().write('x');
                    w.commit();
                }
            });
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("The bucket \"no-such-bucket\" does not exist: create it"),
                    e.getMessage());
        }
    }

    private void write(String key, String content) throws IOException {
        try (ObjectWriter w = sink.open(key)) {
            w.stream().write(content.getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = sink.read(key)) {
            return in.readAllBytes();
        }
    }
}
