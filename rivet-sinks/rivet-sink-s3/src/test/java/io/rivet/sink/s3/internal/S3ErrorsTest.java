package io.rivet.sink.s3.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.SinkException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Each usual failure gets its own category, retry decision and fix. */
class S3ErrorsTest {
    private final S3Client client = S3Client.builder().region(Region.EU_WEST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create()).build();
    private final S3Storage store = new S3Storage(client, true, null, "lake", "raw/", new S3Settings(
            S3Settings.DEFAULT_PART_SIZE, 2, 2, null, null, true), null);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void noSuchBucket_saysToCreateIt_notRetryable() {
        SinkException e = S3Errors.failure(store, "uploading", "a/b.parquet", service(404, "NoSuchBucket", Map.of()));
        assertEquals(S3Errors.Kind.NO_SUCH_BUCKET, S3Errors.kind(e.getCause()));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("The bucket \"lake\" does not exist: create it"), e.getMessage());
        assertTrue(e.getMessage().contains("s3://lake/raw/a/b.parquet"), e.getMessage());
        assertEquals("a/b.parquet", e.objectKey());
        assertEquals("s3://lake/raw/", e.location());
    }

    @Test
    void accessDenied_listsTheIamActions() {
        SinkException e = S3Errors.failure(store, "uploading", "k", service(403, "AccessDenied", Map.of()));
        assertFalse(e.retryable());
        for (String action : List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket",
                "s3:AbortMultipartUpload", "s3:ListBucketMultipartUploads", "arn:aws:s3:::lake/raw/*")) {
            assertTrue(e.getMessage().contains(action), action + " in " + e.getMessage());
        }
    }

    @Test
    void wrongRegion_namesTheBucketsRegionWhenTheStoreSaysIt() {
        SinkException e = S3Errors.failure(store, "listing", null,
                service(301, "PermanentRedirect", Map.of("x-amz-bucket-region", "us-west-2")));
        assertEquals(S3Errors.Kind.WRONG_REGION, S3Errors.kind(e));
        assertTrue(e.getMessage().contains("is in region us-west-2, not eu-west-1: set destination.region to"
                + " us-west-2"), e.getMessage());
        SinkException unsaid = S3Errors.failure(store, "listing", null,
                service(400, "AuthorizationHeaderMalformed", Map.of()));
        assertTrue(unsaid.getMessage().contains("set destination.region"), unsaid.getMessage());
    }

    @Test
    void badCredentials_pointToTheEnvKeysAndTheChain() {
        SinkException e = S3Errors.failure(store, "uploading", "k", service(403, "SignatureDoesNotMatch", Map.of()));
        assertEquals(S3Errors.Kind.CREDENTIALS, S3Errors.kind(e));
        assertTrue(e.getMessage().contains("access_key_env"), e.getMessage());
        SdkClientException none = SdkClientException.create("Unable to load credentials from any of the providers");
        assertEquals(S3Errors.Kind.CREDENTIALS, S3Errors.kind(none));
        assertFalse(S3Errors.retryable(none));
    }

    @Test
    void transientFailuresAreRetryable() {
        assertTrue(S3Errors.retryable(service(500, "InternalError", Map.of())));
        assertTrue(S3Errors.retryable(service(503, "SlowDown", Map.of())));
        assertTrue(S3Errors.retryable(service(404, "NoSuchUpload", Map.of())));
        assertTrue(S3Errors.retryable(SdkClientException.create("io", new ConnectException("refused"))));
        assertFalse(S3Errors.retryable(service(501, "NotImplemented", Map.of())));
        assertFalse(S3Errors.retryable(service(400, "InvalidArgument", Map.of())));
        assertEquals(S3Errors.Kind.THROTTLED, S3Errors.kind(service(503, "SlowDown", Map.of())));
    }

    @Test
    void unreachableEndpoint_saysToCheckIt() {
        SinkException e = S3Errors.failure(store, "uploading", "k",
                SdkClientException.create("Unable to execute HTTP request", new UnknownHostException("minio.lan")));
        assertEquals(S3Errors.Kind.UNREACHABLE, S3Errors.kind(e));
        assertTrue(e.getMessage().contains("check destination.endpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("UnknownHostException: minio.lan"), e.getMessage());
    }

    @Test
    void notImplemented_pointsAtSseAndChecksums() {
        SinkException e = S3Errors.failure(store, "uploading", "k", service(501, "NotImplemented", Map.of()));
        assertTrue(e.getMessage().contains("remove sse"), e.getMessage());
    }

    private static S3Exception service(int status, String code, Map<String, String> headers) {
        SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
        headers.forEach(http::putHeader);
        return (S3Exception) S3Exception.builder().statusCode(status).message(code + " message")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " message")
                        .sdkHttpResponse(http.build()).build())
                .build();
    }
}
