package io.rivet.sink.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.rivet.DataSize;
import io.rivet.spi.ObjectWriter;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The GCS sink against fake-gcs-server, which speaks the real JSON API over HTTP (resumable upload sessions, finalise
 * on the last request). Needs a Docker engine: without one the class is skipped with the reason printed.
 */
@ExtendWith(RequiresDocker.class)
@Testcontainers(disabledWithoutDocker = true)
class FakeGcsServerIT {
    private static final int PORT = 4443;

    @Container
    static final GenericContainer<?> GCS = new GenericContainer<>("fsouza/fake-gcs-server:1.52.2")
            .withExposedPorts(PORT).withCommand("-scheme", "http", "-port", Integer.toString(PORT));

    private static Storage storage;
    private static GcsSink sink;

    @BeforeAll
    static void open() throws Exception {
        String endpoint = "http://" + GCS.getHost() + ":" + GCS.getMappedPort(PORT);
        // Resumable sessions are answered with a Location built from the server's external URL; tell it the mapped one.
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/_internal/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"externalUrl\": \"" + endpoint + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding());
        storage = StorageOptions.newBuilder().setHost(endpoint).setProjectId("rivet-test")
                .setCredentials(NoCredentials.getInstance()).build().getService();
        storage.create(BucketInfo.of("lake"));
        sink = GcsSink.builder().storage(storage).bucket("lake").prefix("it").chunkSize(DataSize.ofKibibytes(256))
                .build();
    }

    @AfterAll
    static void close() throws Exception {
        if (sink != null) {
            sink.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    void multiChunkObject_appearsOnlyOnCommitAndRoundTrips() throws Exception {
        byte[] data = GcsSinkTest.random(1024 * 1024 + 5, 7);
        try (ObjectWriter w = sink.open("a/big.bin")) {
            w.stream().write(data);
            w.stream().close();
            assertNull(storage.get(BlobId.of("lake", "it/a/big.bin")), "not visible before commit");
            w.commit();
        }
        try (InputStream in = sink.read("a/big.bin")) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertEquals(List.of("a/big.bin"), sink.list("a/"));
    }

    @Test
    void abort_leavesNoObject() throws Exception {
        ObjectWriter w = sink.open("b/aborted.bin");
        w.stream().write(GcsSinkTest.random(600 * 1024, 8));
        w.abort();
        assertNull(storage.get(BlobId.of("lake", "it/b/aborted.bin")));
        assertEquals(List.of(), sink.list("b/"));
    }

    @Test
    void smallObject_roundTrips() throws Exception {
        try (ObjectWriter w = sink.open("c/small.json")) {
            w.stream().write("{\"ok\": true}".getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
        try (InputStream in = sink.read("c/small.json")) {
            assertEquals("{\"ok\": true}", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
