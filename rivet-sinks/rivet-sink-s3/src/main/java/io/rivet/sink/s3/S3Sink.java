package io.rivet.sink.s3;

import io.rivet.DataSize;
import io.rivet.Sink;
import io.rivet.exception.RivetConfigException;
import io.rivet.sink.s3.internal.PartSizes;
import io.rivet.sink.s3.internal.S3Settings;
import io.rivet.sink.s3.internal.S3Storage;
import io.rivet.spi.ObjectWriter;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * A {@link Sink} in an Amazon S3 bucket (or an S3-compatible store), below an optional key prefix.
 *
 * <pre>{@code
 * try (S3Sink sink = S3Sink.builder().bucket("lake-raw").prefix("exports").region("eu-west-1").build()) {
 *     rivet.run(Export.builder()...sink(sink).build());
 * }
 * }</pre>
 *
 * <p><b>How objects are written.</b> Each file streams into a multipart upload while it is being written: a part
 * buffer (5 MiB by default, growing for very large files so that 10,000 parts are never exceeded) is uploaded by a
 * small thread pool while the next one fills, with at most two parts of a file in flight. Nothing is staged on local
 * disk, and memory per open file is about three parts. An object becomes visible only when the chunk commits
 * (CompleteMultipartUpload, or one PutObject for a small file); a failed or cancelled file's upload is aborted, so
 * nothing partial is ever visible. After a killed process, {@link #cleanStaging(String)} (called by resume) aborts the
 * uploads it left; a bucket lifecycle rule with {@code AbortIncompleteMultipartUpload} is a good second net.
 *
 * <p><b>Integrity and retries.</b> Every part and object carries a CRC32 checksum the store verifies. Each request is
 * retried by the SDK (5 attempts by default, exponential backoff with jitter) on 5xx answers, throttling and network
 * errors; when the attempts are used up the writer fails with a {@link io.rivet.exception.SinkException} that names
 * the bucket and key, is retryable when the cause is, and carries the fix.
 *
 * <p><b>Clients and credentials.</b> Either pass your own {@link S3Client} ({@link Builder#client(S3Client)}; it stays
 * yours and is never closed), or let the builder create one from {@link Builder#region(String)},
 * {@link Builder#endpoint(URI)}, {@link Builder#pathStyle(boolean)} and credentials from the SDK's default chain
 * (environment, system properties, {@code ~/.aws}, web identity, container and instance roles) or your
 * {@link AwsCredentialsProvider}. A sink closes what it created. The IAM actions needed are {@code s3:PutObject},
 * {@code s3:GetObject}, {@code s3:DeleteObject}, {@code s3:ListBucket}, {@code s3:AbortMultipartUpload} and
 * {@code s3:ListBucketMultipartUploads}.
 *
 * <p>Thread-safe: any number of objects may be written at once. Found by the engine for {@code s3://bucket/prefix/}
 * URIs through {@code S3SinkProvider}.
 */
public final class S3Sink implements Sink, AutoCloseable {
    private final S3Storage storage;

    private S3Sink(S3Storage storage) {
        this.storage = storage;
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code s3://bucket/prefix/}. */
    @Override
    public String location() {
        return storage.location();
    }

    /** The bucket. */
    public String bucket() {
        return storage.bucket();
    }

    /** The key prefix every object goes below: empty, or ending with {@code /}. */
    public String prefix() {
        return storage.rootPrefix();
    }

    /**
     * Opens an object at {@code prefix + key}. Sends nothing until the first part is full or the object is committed.
     *
     * @throws io.rivet.exception.SinkException for an invalid key or a closed sink
     */
    @Override
    public ObjectWriter open(String key) {
        return storage.open(key);
    }

    /** Lists published keys (relative to the prefix) starting with {@code prefix}; ListObjectsV2, every page. */
    @Override
    public List<String> list(String prefix) {
        return storage.list(prefix);
    }

    /** Deletes the object; false when it did not exist (HeadObject, then DeleteObject). */
    @Override
    public boolean delete(String key) {
        return storage.delete(key);
    }

    /** Opens the object for reading (GetObject); the caller closes the stream. */
    @Override
    public InputStream read(String key) {
        return storage.read(key);
    }

    /**
     * Aborts the incomplete multipart uploads under {@code prefix} left by a killed process, and returns how many.
     * Call it only when no writer of that prefix is active.
     */
    @Override
    public int cleanStaging(String prefix) {
        return storage.cleanStaging(prefix);
    }

    /**
     * Stops the sink's upload threads, and closes the client and credentials provider if the builder created them
     * (a client passed to {@link Builder#client(S3Client)} stays open). Objects still being written fail. May be
     * called more than once.
     */
    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "S3Sink[" + location() + "]";
    }

    /**
     * Builds an {@link S3Sink}. Not thread-safe. Only {@link #bucket(String)} is required.
     */
    public static final class Builder {
        private String bucket;
        private String prefix = "";
        private S3Client client;
        private String region;
        private URI endpoint;
        private Boolean pathStyle;
        private AwsCredentialsProvider credentials;
        private Integer maxAttempts;
        private long partSize = S3Settings.DEFAULT_PART_SIZE;
        private int partsInFlight = S3Settings.DEFAULT_PARTS_IN_FLIGHT;
        private int uploadThreads = S3Settings.DEFAULT_UPLOAD_THREADS;
        private ServerSideEncryption sse;
        private String kmsKeyId;
        private boolean checksums = true;

        private Builder() {
        }

        /** The bucket (required). It must exist. */
        public Builder bucket(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        /** The key prefix below which everything is written, e.g. {@code exports/raw} (default: none). */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Uses a caller-owned client; Rivet never closes it. Region, endpoint, path style, credentials and retries
         * are then the client's, and setting them here is an error.
         */
        public Builder client(S3Client client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The bucket's region, e.g. {@code eu-west-1}. Default: the SDK's region chain ({@code AWS_REGION},
         * {@code ~/.aws/config}, instance metadata); {@code us-east-1} when an endpoint is set and no region is found.
         */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The endpoint of an S3-compatible store (MinIO, Ceph, R2, ...), e.g. {@code http://minio:9000}. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Path-style addressing ({@code endpoint/bucket/key}) instead of virtual hosts ({@code bucket.endpoint/key}).
         * Default: on when an endpoint is set (what most S3-compatible stores need), off for AWS.
         */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** Credentials for the client the builder creates (yours: never closed). Default: the SDK's default chain. */
        public Builder credentialsProvider(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Attempts per request, including the first (default 5), with exponential backoff and jitter between them
         * (100 ms doubling up to 10 s). Raise it for a flaky network.
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 20) {
                throw new IllegalArgumentException("maxAttempts must be in 1..20 but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The size of the first parts (default and least 5MB). Memory per file being written is about three
         * parts; raise it for fewer, larger requests on a fast network, lower it to save memory with many workers.
         */
        public Builder partSize(DataSize partSize) {
            long bytes = Objects.requireNonNull(partSize, "partSize").toBytes();
            if (bytes < PartSizes.MIN_PART || bytes > PartSizes.MAX_PART) {
                throw new IllegalArgumentException("partSize must be between 5MB and 1GB but was " + partSize);
            }
            this.partSize = bytes;
            return this;
        }

        /** Parts of one file uploading at once while the next fills (default 2, 1..16). */
        public Builder partsInFlight(int partsInFlight) {
            if (partsInFlight < 1 || partsInFlight > 16) {
                throw new IllegalArgumentException("partsInFlight must be in 1..16 but was " + partsInFlight);
            }
            this.partsInFlight = partsInFlight;
            return this;
        }

        /** Threads uploading parts for all files of this sink (default 8, 1..64). */
        public Builder uploadThreads(int uploadThreads) {
            if (uploadThreads < 1 || uploadThreads > 64) {
                throw new IllegalArgumentException("uploadThreads must be in 1..64 but was " + uploadThreads);
            }
            this.uploadThreads = uploadThreads;
            return this;
        }

        /** Server-side encryption with S3-managed keys (SSE-S3, AES256). Default: the bucket's default encryption. */
        public Builder sseS3() {
            this.sse = ServerSideEncryption.AES256;
            this.kmsKeyId = null;
            return this;
        }

        /**
         * Server-side encryption with a KMS key (SSE-KMS).
         *
         * @param keyId the key id, ARN or alias; {@code null} for the account's AWS-managed key
         */
        public Builder sseKms(String keyId) {
            this.sse = ServerSideEncryption.AWS_KMS;
            this.kmsKeyId = keyId;
            return this;
        }

        /**
         * Whether every part and object carries a CRC32 checksum the store verifies (default true). Turn it off only
         * for an S3-compatible store that rejects checksum headers; size and SHA-256 are still checked by validation.
         */
        public Builder checksums(boolean checksums) {
            this.checksums = checksums;
            return this;
        }

        /**
         * Returns the sink. Creates a client unless one was given; does no network I/O.
         *
         * @throws RivetConfigException for a missing bucket, a bad prefix, settings that conflict with a given client,
         *     or when no region can be found
         */
        public S3Sink build() {
            if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
                throw new RivetConfigException("S3 sink: a bucket name is required (without '/'), e.g."
                        + " .bucket(\"lake-raw\"); put folders in .prefix(...)" + (bucket == null ? "" : "; got \""
                        + bucket + "\""));
            }
            String root = normalizePrefix(prefix);
            S3Settings settings = new S3Settings(partSize, partsInFlight, uploadThreads, sse, kmsKeyId, checksums);
            if (client != null) {
                if (region != null || endpoint != null || pathStyle != null || credentials != null
                        || maxAttempts != null) {
                    throw new RivetConfigException("S3 sink s3://" + bucket + "/" + root + ": region, endpoint,"
                            + " pathStyle, credentialsProvider and maxAttempts belong on the S3Client you passed;"
                            + " set them there, or drop .client(...) and let the sink build one.");
                }
                return new S3Sink(new S3Storage(client, false, null, bucket, root, settings,
                        client.serviceClientConfiguration().endpointOverride().map(URI::toString).orElse(null)));
            }
            DefaultCredentialsProvider chain = credentials == null ? DefaultCredentialsProvider.builder().build()
                    : null;
            S3ClientBuilder b = S3Client.builder()
                    .httpClientBuilder(Apache5HttpClient.builder()
                            .maxConnections(Math.max(50, uploadThreads * 2 + 8))
                            .connectionTimeout(Duration.ofSeconds(10))
                            .socketTimeout(Duration.ofSeconds(60)))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(maxAttempts == null ? 5 : maxAttempts)
                            .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100),
                                    Duration.ofSeconds(10)))
                            // An export is a batch job: every request gets its attempts, no shared retry budget.
                            .circuitBreakerEnabled(false)
                            .build()))
                    .forcePathStyle(pathStyle != null ? pathStyle : endpoint != null)
                    // Parts carry their CRC32 as a header (S3ObjectWriter), so over HTTPS the body goes out as it is.
                    // Over plain HTTP (S3-compatible stores) SigV4 must sign the payload: with aws-chunked encoding
                    // the SDK copies every part into fresh 128 KiB chunk arrays to sign them; without it, it hashes
                    // the part in one extra pass over the same buffer and copies nothing.
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                    .credentialsProvider(credentials != null ? credentials : chain);
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            if (region != null) {
                b.region(Region.of(region));
            } else if (endpoint != null) {
                // S3-compatible stores mostly ignore the region, but SigV4 needs one; do not probe instance metadata.
                String fromEnv = System.getProperty("aws.region", System.getenv("AWS_REGION"));
                b.region(fromEnv == null || fromEnv.isBlank() ? Region.US_EAST_1 : Region.of(fromEnv));
            }
            if (!checksums) {
                b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            }
            S3Client built;
            try {
                built = b.build();
            } catch (SdkClientException e) {
                if (chain != null) {
                    chain.close();
                }
                throw new RivetConfigException("S3 sink s3://" + bucket + "/" + root + ": cannot create the S3 client"
                        + " (" + e.getMessage() + "). Set the region (destination.region / .region(...), or"
                        + " AWS_REGION).", e);
            }
            return new S3Sink(new S3Storage(built, true, chain, bucket, root, settings,
                    endpoint == null ? null : endpoint.toString()));
        }

        /** {@code a/b} from {@code /a/b/}; empty stays empty. */
        static String normalizePrefix(String prefix) {
            String p = prefix.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                return "";
            }
            for (String segment : p.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new RivetConfigException("S3 sink: the prefix \"" + prefix + "\" has an empty, '.' or"
                            + " '..' segment; write it like exports/raw.");
                }
            }
            if (p.indexOf('\\') >= 0 || p.indexOf('\0') >= 0) {
                throw new RivetConfigException("S3 sink: the prefix \"" + prefix + "\" contains '\\' or NUL; separate"
                        + " folders with '/'.");
            }
            return p + "/";
        }
    }
}
