package io.rivet.sink.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.DataSize;
import io.rivet.Sink;
import io.rivet.exception.SinkException;
import io.rivet.sink.s3.testing.FaultProxy;
import io.rivet.sink.s3.testing.S3Server;
import io.rivet.sink.s3.testing.S3ServerExtension;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The S3 sink's contract against a real S3-compatible server (S3Proxy, a child process): visibility only on commit,
 * abort leaves nothing (not even an incomplete upload), multipart round trips byte for byte, list, delete, read,
 * cleanStaging, and the messages for the usual misconfigurations.
 */
class S3SinkIT {
    @RegisterExtension
    static final S3ServerExtension S3 = new S3ServerExtension("sink-it");

    private static S3Client client;
    private static S3Sink sink;

    @BeforeAll
    static void open() {
        client = S3.server().client();
        sink = S3Sink.builder().client(client).bucket("sink-it").prefix("/root/dir/").partSize(DataSize.ofMebibytes(5))
                .build();
    }

    @AfterAll
    static void close() {
        sink.close();
        client.close();
    }

    @Test
    void location_isTheBucketAndNormalisedPrefix() {
        assertEquals("s3://sink-it/root/dir/", sink.location());
        assertEquals("root/dir/", sink.prefix());
    }

    @Test
    void smallObject_isInvisibleUntilCommitThenReadsBack() throws IOException {
        byte[] data = "hello, bucket\n".getBytes(StandardCharsets.UTF_8);
        try (ObjectWriter w = sink.open("small/a.csv")) {
            w.stream().write(data);
            w.stream().flush();
            assertEquals(List.of(), sink.list("small/"), "nothing is visible before commit");
            w.commit();
        }
        assertEquals(List.of("small/a.csv"), sink.list("small/"));
        assertArrayEquals(data, readAll("small/a.csv"));
        HeadObjectResponse head = client.headObject(b -> b.bucket("sink-it").key("root/dir/small/a.csv"));
        assertEquals("text/csv; charset=utf-8", head.contentType());
    }

    @Test
    void largeObject_goesMultipartAndIsInvisibleUntilComplete() throws IOException {
        byte[] data = random(12 * 1024 * 1024 + 123, 1);
        try (ObjectWriter w = sink.open("big/b.parquet")) {
            OutputStream out = w.stream();
            for (int off = 0; off < data.length; off += 100_000) {
                out.write(data, off, Math.min(100_000, data.length - off));
            }
            out.close();
            assertEquals(List.of(), sink.list("big/"), "parts uploaded, object not yet visible");
            assertEquals(1, client.listMultipartUploads(b -> b.bucket("sink-it").prefix("root/dir/big/")).uploads()
                    .size());
            w.commit();
        }
        assertArrayEquals(data, readAll("big/b.parquet"));
        String etag = client.headObject(b -> b.bucket("sink-it").key("root/dir/big/b.parquet")).eTag();
        assertTrue(etag.replace("\"", "").endsWith("-3"), "5 + 5 + 2 MB parts: " + etag);
        assertEquals(0, client.listMultipartUploads(b -> b.bucket("sink-it").prefix("root/dir/big/")).uploads()
                .size());
    }

    @Test
    void abort_leavesNoObjectAndNoIncompleteUpload() throws IOException {
        ObjectWriter w = sink.open("aborted/c.parquet");
        w.stream().write(random(11 * 1024 * 1024, 2));
        assertEquals(1, client.listMultipartUploads(b -> b.bucket("sink-it").prefix("root/dir/aborted/")).uploads()
                .size());
        w.abort();
        w.abort();
        w.close();
        assertEquals(List.of(), sink.list("aborted/"));
        assertEquals(0, client.listMultipartUploads(b -> b.bucket("sink-it").prefix("root/dir/aborted/")).uploads()
                .size());
        assertThrows(IllegalStateException.class, w::commit);
        IOException late = assertThrows(IOException.class, () -> w.stream().write(1));
        assertTrue(late.getMessage().contains("aborted"), late.getMessage());
    }

    @Test
    void closeWithoutCommit_aborts() throws IOException {
        try (ObjectWriter w = sink.open("closed/d.csv")) {
            w.stream().write("x".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of(), sink.list("closed/"));
    }

    @Test
    void commit_overwritesAnExistingObject() throws IOException {
        write("over/e.csv", "first");
        write("over/e.csv", "second");
        assertEquals("second", new String(readAll("over/e.csv"), StandardCharsets.UTF_8));
        assertEquals(List.of("over/e.csv"), sink.list("over/"));
    }

    @Test
    void emptyObject_isPublished() throws IOException {
        try (ObjectWriter w = sink.open("empty/f.csv")) {
            w.commit();
        }
        assertEquals(0, readAll("empty/f.csv").length);
    }

    @Test
    void list_matchesByPrefixAcrossFolders() throws IOException {
        write("l/run1/part-00000-000.csv", "a");
        write("l/run1/part-00001-000.csv", "b");
        write("l/run10/part-00000-000.csv", "c");
        assertEquals(List.of("l/run1/part-00000-000.csv", "l/run1/part-00001-000.csv"),
                sorted(sink.list("l/run1/")));
        assertEquals(3, sink.list("l/run1").size());
        assertEquals(List.of("l/run1/part-00001-000.csv"), sink.list("l/run1/part-00001-"));
    }

    @Test
    void delete_reportsWhetherAnObjectWasThere() throws IOException {
        write("del/g.csv", "g");
        assertTrue(sink.delete("del/g.csv"));
        assertFalse(sink.delete("del/g.csv"));
        assertEquals(List.of(), sink.list("del/"));
    }

    @Test
    void read_ofAMissingObjectIsANonRetryableSinkExceptionNamingIt() {
        SinkException e = assertThrows(SinkException.class, () -> sink.read("missing/h.csv"));
        assertFalse(e.retryable());
        assertEquals("missing/h.csv", e.objectKey());
        assertTrue(e.getMessage().contains("s3://sink-it/root/dir/missing/h.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("404"), e.getMessage());
    }

    @Test
    void cleanStaging_abortsUploadsAKilledProcessLeftUnderThePrefixOnly() {
        String inside = client.createMultipartUpload(b -> b.bucket("sink-it").key("root/dir/stage/run/part-1"))
                .uploadId();
        String outside = client.createMultipartUpload(b -> b.bucket("sink-it").key("root/dir/other/part-1"))
                .uploadId();
        assertEquals(1, sink.cleanStaging("stage/"));
        assertEquals(0, sink.cleanStaging("stage/"));
        assertEquals(List.of(outside), client.listMultipartUploads(b -> b.bucket("sink-it").prefix("root/dir/"))
                .uploads().stream().map(u -> u.uploadId()).toList());
        client.abortMultipartUpload(b -> b.bucket("sink-it").key("root/dir/other/part-1").uploadId(outside));
        assertFalse(inside.equals(outside));
    }

    @Test
    void invalidKeys_areRefusedNamingTheProblem() {
        for (String bad : new String[] {"", "/abs", "a//b", "a/../b", "a/./b", "trailing/", "back\\slash"}) {
            SinkException e = assertThrows(SinkException.class, () -> sink.open(bad), bad);
            assertTrue(e.getMessage().contains("invalid key"), e.getMessage());
        }
    }

    @Test
    void providerFromUri_findsTheSinkThroughServiceLoaderWithOptions() throws Exception {
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        try {
            Sink uriSink = Sink.uri(URI.create("s3://sink-it/via-uri"),
                    Map.of("endpoint", S3.server().endpoint().toString(), "region", "us-east-1"));
            io.rivet.spi.SinkProvider provider = java.util.ServiceLoader.load(io.rivet.spi.SinkProvider.class).stream()
                    .map(java.util.ServiceLoader.Provider::get).filter(p -> p.scheme().equals("s3")).findFirst()
                    .orElseThrow();
            io.rivet.UriSink u = (io.rivet.UriSink) uriSink;
            try (S3Sink created = (S3Sink) provider.create(u.uri(), u.options())) {
                assertEquals("s3://sink-it/via-uri/", created.location());
                try (ObjectWriter w = created.open("x.json")) {
                    w.stream().write("{}".getBytes(StandardCharsets.UTF_8));
                    w.commit();
                }
                assertEquals(List.of("x.json"), created.list(""));
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void sseKms_sendsTheEncryptionHeadersWhenAnObjectIsCreated() throws IOException {
        List<SdkHttpRequest> seen = new CopyOnWriteArrayList<>();
        ExecutionInterceptor recordAndStrip = new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
                    ExecutionAttributes attributes) {
                seen.add(context.httpRequest());
                // S3Proxy does not implement SSE (501): strip the headers once recorded, before signing.
                return context.httpRequest().toBuilder().removeHeader("x-amz-server-side-encryption")
                        .removeHeader("x-amz-server-side-encryption-aws-kms-key-id").build();
            }
        };
        try (S3Client recording = S3Client.builder().endpointOverride(S3.server().endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
                .overrideConfiguration(o -> o.addExecutionInterceptor(recordAndStrip)).build();
                S3Sink encrypted = S3Sink.builder().client(recording).bucket("sink-it").prefix("sse")
                        .partSize(DataSize.ofMebibytes(5)).sseKms("alias/rivet").build()) {
            write(encrypted, "small.json", "{}");
            try (ObjectWriter w = encrypted.open("large.bin")) {
                w.stream().write(random(6 * 1024 * 1024, 3));
                w.commit();
            }
        }
        List<SdkHttpRequest> creating = seen.stream().filter(r -> r.method().name().equals("PUT")
                && !r.rawQueryParameters().containsKey("partNumber") || r.rawQueryParameters().containsKey("uploads"))
                .toList();
        assertEquals(2, creating.size(), "one PutObject, one CreateMultipartUpload: " + seen);
        for (SdkHttpRequest r : creating) {
            assertEquals(List.of("aws:kms"), r.headers().get("x-amz-server-side-encryption"), r.toString());
            assertEquals(List.of("alias/rivet"), r.headers().get("x-amz-server-side-encryption-aws-kms-key-id"));
        }
        assertEquals(List.of("sse/large.bin", "sse/small.json"), sorted(client.listObjectsV2(
                b -> b.bucket("sink-it").prefix("sse/")).contents().stream().map(o -> o.key()).toList()));
    }

    // ------------------------------------------------------------------ misconfiguration messages

    @Test
    void missingBucket_saysToCreateIt() {
        try (S3Sink wrong = S3Sink.builder().client(client).bucket("no-such-bucket").build()) {
            SinkException e = assertThrows(SinkException.class, () -> write(wrong, "p", "x"));
            assertTrue(e.getMessage().contains("NoSuchBucket"), e.getMessage());
            assertTrue(e.getMessage().contains("create it"), e.getMessage());
            assertFalse(e.retryable());
        }
    }

    @Test
    void wrongSecret_saysToCheckTheCredentials() {
        try (S3Sink wrong = S3Sink.builder().bucket("sink-it").endpoint(S3.server().endpoint())
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3Server.ACCESS_KEY, "not-the-secret"))
                .maxAttempts(1).build()) {
            SinkException e = assertThrows(SinkException.class, () -> write(wrong, "p", "x"));
            assertTrue(e.getMessage().contains("403"), e.getMessage());
            assertTrue(e.getMessage().contains("secret_key_env"), e.getMessage());
            assertFalse(e.retryable());
        }
    }

    @Test
    void unreachableEndpoint_saysToCheckTheEndpointAndIsRetryable() {
        URI dead;
        try (FaultProxy gone = new FaultProxy(S3.server().endpoint())) {
            dead = gone.endpoint();
        }
        try (S3Sink wrong = S3Sink.builder().bucket("sink-it").endpoint(dead).maxAttempts(2)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
                .build()) {
            SinkException e = assertThrows(SinkException.class, () -> write(wrong, "p", "x"));
            assertTrue(e.getMessage().contains("check destination.endpoint"), e.getMessage());
            assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
            assertTrue(e.retryable());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void write(String key, String content) throws IOException {
        write(sink, key, content);
    }

    private static void write(Sink target, String key, String content) {
        try (ObjectWriter w = target.open(key)) {
            w.stream().write(content.getBytes(StandardCharsets.UTF_8));
            w.commit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] readAll(String key) throws IOException {
        try (InputStream in = sink.read(key)) {
            return in.readAllBytes();
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<String> sorted(List<String> keys) {
        return keys.stream().sorted().toList();
    }
}
