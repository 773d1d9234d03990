package io.rivet.sink.s3.internal;

import io.rivet.exception.SinkException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns AWS SDK failures into {@link SinkException}s whose message names the bucket and key, says what the store
 * answered and after how many attempts, and gives the fix: the common causes (missing bucket, access denied, wrong
 * region, unreachable endpoint, bad credentials, throttling) each have their own advice. Retryable when the failure is
 * transient (5xx, throttling, timeouts, network errors, an upload that vanished). Stateless.
 */
public final class S3Errors {

    /** The IAM actions the sink needs on its bucket and prefix. NOTE: shown to users; keep in step with the docs. */
    public static final String IAM_ACTIONS = "s3:PutObject, s3:GetObject, s3:DeleteObject, s3:ListBucket,"
            + " s3:AbortMultipartUpload and s3:ListBucketMultipartUploads";

    /** What went wrong, as a category that callers such as {@code rivet doctor} can act on. */
    public enum Kind {
        /** The bucket does not exist. */
        NO_SUCH_BUCKET,
        /** The credentials lack a permission. */
        ACCESS_DENIED,
        /** The credentials are missing, unknown, expired or do not match. */
        CREDENTIALS,
        /** The bucket lives in another region than the client's. */
        WRONG_REGION,
        /** The endpoint cannot be reached (DNS, refused, timeout, TLS). */
        UNREACHABLE,
        /** Too many requests. */
        THROTTLED,
        /** The store failed (5xx). */
        SERVER_ERROR,
        /** The object does not exist. */
        NO_SUCH_KEY,
        /** Server-side encryption with KMS failed (unknown key or no permission on it). */
        KMS,
        /** The store does not implement a feature the request used (501), e.g. server-side encryption. */
        NOT_IMPLEMENTED,
        /** Anything else. */
        OTHER
    }

    private S3Errors() {
    }

    /**
     * Classifies a failure.
     *
     * @param e the SDK exception (or any throwable, for wrapped failures)
     */
    public static Kind kind(Throwable e) {
        AwsServiceException service = find(e, AwsServiceException.class);
        if (service != null) {
            String code = code(service);
            int status = service.statusCode();
            if ("NoSuchBucket".equals(code)) {
                return Kind.NO_SUCH_BUCKET;
            }
            if ("NoSuchKey".equals(code) || (status == 404 && code == null)) {
                return Kind.NO_SUCH_KEY;
            }
            if (code != null && code.startsWith("KMS.")) {
                return Kind.KMS;
            }
            if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)
                    || "IllegalLocationConstraintException".equals(code) || bucketRegion(service).isPresent()
                    && status == 400) {
                return Kind.WRONG_REGION;
            }
            if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)
                    || "ExpiredToken".equals(code) || "InvalidToken".equals(code)
                    || "TokenRefreshRequired".equals(code)) {
                return Kind.CREDENTIALS;
            }
            if (status == 403 || "AccessDenied".equals(code)) {
                return Kind.ACCESS_DENIED;
            }
            if (status == 501 || "NotImplemented".equals(code)) {
                return Kind.NOT_IMPLEMENTED;
            }
            if (service.isThrottlingException() || status == 429 || "SlowDown".equals(code)) {
                return Kind.THROTTLED;
            }
            if (status >= 500) {
                return Kind.SERVER_ERROR;
            }
            return Kind.OTHER;
        }
        if (find(e, UnknownHostException.class) != null || find(e, ConnectException.class) != null
                || find(e, NoRouteToHostException.class) != null || find(e, SocketTimeoutException.class) != null
                || find(e, javax.net.ssl.SSLException.class) != null || find(e, java.net.SocketException.class) != null
                || causeNamed(e, "NoHttpResponseException") || causeNamed(e, "ConnectionClosedException")) {
            return Kind.UNREACHABLE;
        }
        SdkClientException client = find(e, SdkClientException.class);
        if (client != null && client.getMessage() != null
                && client.getMessage().toLowerCase(Locale.ROOT).contains("credentials")) {
            return Kind.CREDENTIALS;
        }
        return Kind.OTHER;
    }

    /** Whether running again may succeed without a change. */
    public static boolean retryable(Throwable e) {
        AwsServiceException service = find(e, AwsServiceException.class);
        if (service != null) {
            int status = service.statusCode();
            String code = code(service);
            return status >= 500 && status != 501 || status == 429 || status == 408 || service.isThrottlingException()
                    || "RequestTimeout".equals(code) || "NoSuchUpload".equals(code)
                    || "SlowDown".equals(code) || "InternalError".equals(code);
        }
        if (kind(e) == Kind.CREDENTIALS) {
            return false;
        }
        // A client-side failure is a network problem unless it is about credentials; an unknown host is usually a
        // typo, but DNS also fails transiently, so it stays retryable (the message says to check the endpoint).
        return find(e, SdkClientException.class) != null || find(e, java.io.IOException.class) != null;
    }

    /**
     * Builds the exception for a failed action.
     *
     * @param store the sink (for its location, bucket, region and endpoint)
     * @param action what was being done, e.g. {@code uploading part 3 of}
     * @param key the object key relative to the sink, or {@code null}
     * @param e the failure
     */
    public static SinkException failure(S3Storage store, String action, String key, Throwable e) {
        String where = key == null ? store.location() : "\"" + key + "\" (" + store.uri(key) + ")";
        StringBuilder m = new StringBuilder("S3 sink ").append(store.location()).append(": ").append(action)
                .append(' ').append(where).append(" failed");
        Integer attempts = attempts(e);
        if (attempts != null && attempts > 1) {
            m.append(" after ").append(attempts).append(" attempts");
        }
        m.append(" (").append(describe(e)).append("). ").append(fix(store, kind(e), e));
        return new SinkException(null, store.location(), key, m.toString(), e, retryable(e));
    }

    /** The advice for a kind of failure. */
    static String fix(S3Storage store, Kind kind, Throwable e) {
        String bucket = store.bucket();
        return switch (kind) {
            case NO_SUCH_BUCKET -> "The bucket \"" + bucket + "\" does not exist: create it, or correct the bucket"
                    + " name (destination.bucket).";
            case NO_SUCH_KEY -> "The object does not exist; it may have been deleted by someone else.";
            case ACCESS_DENIED -> "The credentials in use are not allowed to do this. Grant " + IAM_ACTIONS + " on"
                    + " arn:aws:s3:::" + bucket + " and arn:aws:s3:::" + bucket + "/" + store.rootPrefix() + "*"
                    + ", and check the bucket policy.";
            case CREDENTIALS -> "The credentials were not accepted or not found. Set access_key_env and"
                    + " secret_key_env (and session_token_env for temporary credentials) to the names of environment"
                    + " variables holding them, or configure the default chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials,"
                    + " an instance or pod role).";
            case WRONG_REGION -> {
                Optional<String> region = find(e, AwsServiceException.class) == null ? Optional.empty()
                        : bucketRegion(find(e, AwsServiceException.class));
                yield region.map(r -> "The bucket \"" + bucket + "\" is in region " + r + ", not " + store.region()
                        + ": set destination.region to " + r + ".")
                        .orElse("The bucket \"" + bucket + "\" is not in region " + store.region() + ": set"
                                + " destination.region to the bucket's region.");
            }
            case UNREACHABLE -> "Could not reach " + store.endpointDescription() + ", or it dropped the connection:"
                    + " check destination.endpoint (scheme, host and port), DNS and the network, and whether the store"
                    + " is up; then run again (resume a chunked export).";
            case THROTTLED -> "The store asked to slow down and the retries were used up: run again (resume a"
                    + " chunked export), or lower parallel.";
            case SERVER_ERROR -> "The store failed and the retries were used up: run again (resume a chunked export);"
                    + " the upload was aborted, so nothing partial is visible.";
            case KMS -> "Server-side encryption with KMS failed: check sse_kms_key_id and that the credentials may"
                    + " use the key (kms:GenerateDataKey, kms:Decrypt).";
            case NOT_IMPLEMENTED -> "The store does not implement what the request asked for (for S3-compatible"
                    + " stores this is often server-side encryption or checksums): remove sse, or set checksums:"
                    + " false.";
            case OTHER -> "Check the destination settings; the upload was aborted, so nothing partial is visible.";
        };
    }

    /** A short description: status and code for a service error, the cause chain's messages otherwise. */
    static String describe(Throwable e) {
        AwsServiceException service = find(e, AwsServiceException.class);
        if (service != null) {
            AwsErrorDetails d = service.awsErrorDetails();
            String code = d == null ? null : d.errorCode();
            String message = d == null ? null : d.errorMessage();
            return service.statusCode() + (code == null ? "" : " " + code)
                    + (message == null || message.isBlank() ? "" : ": " + message);
        }
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            String text = t instanceof SdkException s && s.rawMessage() != null ? s.rawMessage() : t.getMessage();
            String part = t.getClass().getSimpleName() + (text == null ? "" : ": " + text);
            if (sb.indexOf(part) < 0) {
                sb.append(sb.length() == 0 ? "" : "; caused by ").append(part);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    static String code(AwsServiceException e) {
        AwsErrorDetails d = e.awsErrorDetails();
        return d == null ? null : d.errorCode();
    }

    /** The bucket's real region, when the store said so in its answer. */
    static Optional<String> bucketRegion(AwsServiceException e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
            return Optional.empty();
        }
        return e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
    }

    private static Integer attempts(Throwable e) {
        SdkException sdk = find(e, SdkException.class);
        return sdk == null ? null : sdk.numAttempts();
    }

    /** Whether a cause has this simple class name (HTTP-client exceptions, without depending on the client). */
    private static boolean causeNamed(Throwable e, String simpleName) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
