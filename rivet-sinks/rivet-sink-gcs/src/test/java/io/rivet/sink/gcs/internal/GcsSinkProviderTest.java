package io.rivet.sink.gcs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.RivetConfigException;
import io.rivet.sink.gcs.GcsSink;
import io.rivet.spi.SinkProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URI and option handling of the gs: provider; builds sinks (and clients) but sends nothing. */
class GcsSinkProviderTest {
    private final GcsSinkProvider provider = new GcsSinkProvider();
    private static final Map<String, String> EMULATOR = Map.of("endpoint", "http://127.0.0.1:9", "anonymous", "true",
            "project_id", "test");

    @TempDir
    Path dir;

    @Test
    void isRegisteredForTheGsSchemeThroughServiceLoader() {
        List<String> schemes = ServiceLoader.load(SinkProvider.class).stream().map(p -> p.get().scheme()).toList();
        assertTrue(schemes.contains("gs"), schemes.toString());
    }

    @Test
    void bucketAndPrefixComeFromTheUri() {
        try (GcsSink sink = (GcsSink) provider.create(URI.create("gs://lake-raw/exports/orders/"), EMULATOR)) {
            assertEquals("lake-raw", sink.bucket());
            assertEquals("exports/orders/", sink.prefix());
            assertEquals("gs://lake-raw/exports/orders/", sink.location());
        }
    }

    @Test
    void everyDocumentedOptionIsAcceptedWhereTheyCombine() {
        try (GcsSink sink = (GcsSink) provider.create(URI.create("gs://b/p"), Map.of("endpoint",
                "http://127.0.0.1:9", "anonymous", "true", "project_id", "p", "chunk_size", "16MB", "upload_threads",
                "2", "max_attempts", "3"))) {
            assertEquals("gs://b/p/", sink.location());
        }
    }

    @Test
    void aMissingCredentialsFileIsNamed() {
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> provider.create(
                URI.create("gs://b/p"), Map.of("credentials_file", dir.resolve("nope.json").toString())));
        assertTrue(e.getMessage().contains("nope.json") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void aCredentialsFileThatIsNotAKeyIsRefusedWithoutEchoingIt() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.json"), "{\"type\": \"mystery\", \"private\": \"s3cr3t\"}");
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> provider.create(
                URI.create("gs://b/p"), Map.of("credentials_file", junk.toString())));
        assertTrue(e.getMessage().contains("cannot be used"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void unknownAndInvalidOptionsAreErrors() {
        assertMessage(Map.of("region", "eu"), "unknown option [region]");
        assertMessage(Map.of("chunk_size", "100KB"), "chunkSize must be a multiple of 256KB");
        assertMessage(Map.of("anonymous", "maybe"), "anonymous must be true or false");
        assertMessage(Map.of("endpoint", "gopher://x"), "endpoint is not usable");
        assertMessage(Map.of("credentials_file", "/k.json", "anonymous", "true"), "exclude each other");
    }

    @Test
    void uriWithUserInfoIsRefused() {
        assertThrows(RivetConfigException.class, () -> provider.create(URI.create("gs://key@bucket/p"), EMULATOR));
    }

    private void assertMessage(Map<String, String> options, String expected) {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> provider.create(URI.create("gs://b/p"), options), options.toString());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
