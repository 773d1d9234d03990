package io.rivet.sink.s3.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.RivetConfigException;
import io.rivet.sink.s3.S3Sink;
import io.rivet.spi.SinkProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** URI and option handling of the s3: provider; builds sinks (and clients) but sends nothing. */
class S3SinkProviderTest {
    private final Map<String, String> env = new HashMap<>();
    private final S3SinkProvider provider = new S3SinkProvider(env::get);

    private static final Map<String, String> LOCAL = Map.of("endpoint", "http://127.0.0.1:9", "region", "us-east-1");

    @Test
    void isRegisteredForTheS3SchemeThroughServiceLoader() {
        List<String> schemes = ServiceLoader.load(SinkProvider.class).stream().map(p -> p.get().scheme()).toList();
        assertTrue(schemes.contains("s3"), schemes.toString());
    }

    @Test
    void bucketAndPrefixComeFromTheUri() {
        try (S3Sink sink = (S3Sink) provider.create(URI.create("s3://lake-raw/exports/orders/"), LOCAL)) {
            assertEquals("lake-raw", sink.bucket());
            assertEquals("exports/orders/", sink.prefix());
            assertEquals("s3://lake-raw/exports/orders/", sink.location());
        }
        try (S3Sink sink = (S3Sink) provider.create(URI.create("s3://lake-raw"), LOCAL)) {
            assertEquals("", sink.prefix());
            assertEquals("s3://lake-raw/", sink.location());
        }
    }

    @Test
    void everyDocumentedOptionIsAccepted() {
        env.put("MY_KEY", "AKIAEXAMPLE");
        env.put("MY_SECRET", "secret-value");
        env.put("MY_TOKEN", "token-value");
        Map<String, String> options = new HashMap<>(LOCAL);
        options.putAll(Map.of("path_style", "false", "access_key_env", "MY_KEY", "secret_key_env", "MY_SECRET",
                "session_token_env", "MY_TOKEN", "sse", "kms", "sse_kms_key_id", "alias/rivet", "part_size", "16MB",
                "parts_in_flight", "3", "upload_threads", "4"));
        options.put("max_attempts", "7");
        options.put("checksums", "false");
        assertEquals(S3SinkProvider.OPTIONS.size(), options.size(), "the test covers every option");
        try (S3Sink sink = (S3Sink) provider.create(URI.create("s3://b/p"), options)) {
            assertEquals("s3://b/p/", sink.location());
        }
    }

    @Test
    void unknownOptionsAreErrorsListingTheKnownOnes() {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> provider.create(URI.create("s3://b/p"), Map.of("regoin", "eu-west-1")));
        assertTrue(e.getMessage().contains("[regoin]") && e.getMessage().contains("region, endpoint"),
                e.getMessage());
    }

    @Test
    void credentialsInTheUriAreRefusedWithoutEchoingThem() {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> provider.create(URI.create("s3://AKIA:topsecret@bucket/p"), LOCAL));
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
        assertTrue(e.getMessage().contains("access_key_env"), e.getMessage());
    }

    @Test
    void aMissingCredentialsVariableIsNamed() {
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> provider.create(
                URI.create("s3://b/p"), with("access_key_env", "NOT_SET_KEY", "secret_key_env", "NOT_SET_SECRET")));
        assertTrue(e.getMessage().contains("NOT_SET_KEY") && e.getMessage().contains("is not set"), e.getMessage());
    }

    @Test
    void aSecretWrittenInsteadOfAVariableNameIsNotEchoed() {
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> provider.create(
                URI.create("s3://b/p"), with("access_key_env", "AKIA/EXAMPLE+secret", "secret_key_env", "X")));
        assertFalse(e.getMessage().contains("AKIA/EXAMPLE"), e.getMessage());
        assertTrue(e.getMessage().contains("name of an environment variable"), e.getMessage());
    }

    @Test
    void halfOfAKeyPairIsAnError() {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> provider.create(URI.create("s3://b/p"), with("access_key_env", "K")));
        assertTrue(e.getMessage().contains("go together"), e.getMessage());
    }

    @Test
    void invalidValuesAreErrorsNamingTheOption() {
        assertMessage(with("sse", "rot13"), "sse must be s3 (SSE-S3) or kms");
        assertMessage(with("sse", "s3", "sse_kms_key_id", "k"), "sse_kms_key_id needs sse: kms");
        assertMessage(with("part_size", "1MB"), "partSize must be between 5MB and 1GB");
        assertMessage(with("parts_in_flight", "many"), "parts_in_flight must be a whole number");
        assertMessage(with("path_style", "yes"), "path_style must be true or false");
        assertMessage(Map.of("endpoint", "ftp://host"), "endpoint is not usable");
        assertMessage(Map.of("region", "EU West"), "is not a region name");
    }

    @Test
    void prefixesWithDotSegmentsAreRefused() {
        assertThrows(RivetConfigException.class, () -> provider.create(URI.create("s3://b/a/../c"), LOCAL));
    }

    @Test
    void aGivenClientForbidsClientSettings() {
        try (software.amazon.awssdk.services.s3.S3Client client = software.amazon.awssdk.services.s3.S3Client.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .build()) {
            RivetConfigException e = assertThrows(RivetConfigException.class,
                    () -> S3Sink.builder().client(client).bucket("b").region("eu-west-1").build());
            assertTrue(e.getMessage().contains("belong on the S3Client you passed"), e.getMessage());
            // The client stays the caller's: closing the sink leaves it usable.
            S3Sink.builder().client(client).bucket("b").build().close();
            assertEquals("s3", client.serviceName());
        }
    }

    private void assertMessage(Map<String, String> options, String expected) {
        RivetConfigException e = assertThrows(RivetConfigException.class,
                () -> provider.create(URI.create("s3://b/p"), options), options.toString());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static Map<String, String> with(String... pairs) {
        Map<String, String> m = new HashMap<>(LOCAL);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
