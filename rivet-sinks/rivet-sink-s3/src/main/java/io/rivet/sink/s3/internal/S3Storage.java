package io.rivet.sink.s3.internal;

import io.rivet.exception.SinkException;
import io.rivet.sink.support.ObjectKeys;
import io.rivet.sink.support.PartBufferPool;
import io.rivet.spi.ObjectWriter;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The S3 sink's machinery behind {@link io.rivet.sink.s3.S3Sink}: a client, a bucket and a root prefix, a small pool
 * of upload threads shared by all objects being written, and a pool of off-heap part buffers. Each object being
 * written holds at most {@code partsInFlight + 1} part buffers; the pool keeps up to {@code uploadThreads +
 * partsInFlight + 1} of them free between objects (with the defaults and 5 MiB parts, at most 55 MiB, and only as
 * many as were ever in use at once) and drops them when the sink closes.
 *
 * <p>Thread-safe. It closes the client (and the credentials provider) only when it created them; the upload threads
 * and buffers are always its own.
 */
public final class S3Storage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
    private static final int MAX_KEY_BYTES = 1024;

    private final S3Client client;
    private final boolean ownsClient;
    private final SdkAutoCloseable ownedCredentials;
    private final String bucket;
    private final String rootPrefix;
    private final String location;
    private final ObjectKeys keys;
    private final S3Settings settings;
    private final String endpointDescription;
    private final ThreadPoolExecutor uploads;
    private final PartBufferPool buffers;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates the machinery; does no I/O.
     *
     * @param client the client
     * @param ownsClient whether {@link #close()} closes the client
     * @param ownedCredentials a credentials provider to close with the client, or {@code null}
     * @param bucket the bucket
     * @param rootPrefix the key prefix below which every object goes: empty, or ending with {@code /}
     * @param settings upload settings
     * @param endpointDescription the endpoint for messages, e.g. {@code http://127.0.0.1:9000} or {@code AWS S3}
     */
    public S3Storage(S3Client client, boolean ownsClient, SdkAutoCloseable ownedCredentials, String bucket,
            String rootPrefix, S3Settings settings, String endpointDescription) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.ownedCredentials = ownedCredentials;
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.rootPrefix = Objects.requireNonNull(rootPrefix, "rootPrefix");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.endpointDescription = endpointDescription;
        this.location = "s3://" + bucket + "/" + rootPrefix;
        this.keys = new ObjectKeys("S3", location, rootPrefix, MAX_KEY_BYTES, true);
        AtomicInteger n = new AtomicInteger();
        this.uploads = new ThreadPoolExecutor(settings.uploadThreads(), settings.uploadThreads(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "rivet-s3-upload-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Idle sinks keep no threads.
        this.uploads.allowCoreThreadTimeOut(true);
        this.buffers = new PartBufferPool(settings.uploadThreads() + settings.partsInFlight() + 1);
    }

    /** {@code s3://bucket/prefix/}. */
    public String location() {
        return location;
    }

    /** The bucket. */
    public String bucket() {
        return bucket;
    }

    /** The root prefix: empty, or ending with {@code /}. */
    public String rootPrefix() {
        return rootPrefix;
    }

    /** The client's region, for messages. */
    public String region() {
        try {
            return String.valueOf(client.serviceClientConfiguration().region());
        } catch (RuntimeException e) {
            return "(unknown)";
        }
    }

    /** The endpoint, for messages. */
    public String endpointDescription() {
        return endpointDescription == null ? "the S3 endpoint of region " + region() : endpointDescription;
    }

    /** The full {@code s3://} URI of a key. */
    public String uri(String key) {
        return location + key;
    }

    S3Client client() {
        return client;
    }

    S3Settings settings() {
        return settings;
    }

    ExecutorService uploads() {
        return uploads;
    }

    /** The pool of part buffers the object writers stream through. */
    PartBufferPool buffers() {
        return buffers;
    }

    /** The object key in the bucket. */
    String objectKey(String key) {
        return rootPrefix + key;
    }

    /**
     * Opens a writer for {@code key}. Nothing is sent until the first part fills (or the object is committed).
     *
     * @throws SinkException for an invalid key, or when the sink is closed
     */
    public ObjectWriter open(String key) {
        checkKey(key, false);
        if (closed.get()) {
            throw new SinkException(null, location, key, "S3 sink " + location + " is closed; cannot open \"" + key
                    + "\".", null, false);
        }
        return new S3ObjectWriter(this, key);
    }

    /** Lists published keys (relative to the root) starting with {@code prefix}, following every page. */
    public List<String> list(String prefix) {
        checkKey(prefix, true);
        List<String> keys = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Response page = client.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket)
                        .prefix(objectKey(prefix)).continuationToken(token).build());
                for (S3Object o : page.contents()) {
                    if (o.key().startsWith(rootPrefix)) {
                        keys.add(o.key().substring(rootPrefix.length()));
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw S3Errors.failure(this, "listing", prefix.isEmpty() ? null : prefix + "*", e);
        }
        return keys;
    }

    /**
     * Deletes the object; false when there was none. S3's DeleteObject succeeds for a missing key, so existence is
     * checked first with HeadObject.
     */
    public boolean delete(String key) {
        checkKey(key, false);
        try {
            try {
                client.headObject(b -> b.bucket(bucket).key(objectKey(key)));
            } catch (NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404 && !"NoSuchBucket".equals(S3Errors.code(e))) {
                    return false;
                }
                throw e;
            }
            client.deleteObject(b -> b.bucket(bucket).key(objectKey(key)));
            return true;
        } catch (SdkException e) {
            throw S3Errors.failure(this, "deleting", key, e);
        }
    }

    /** Opens the object for reading; the caller closes the stream. */
    public InputStream read(String key) {
        checkKey(key, false);
        try {
            return client.getObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (SdkException e) {
            throw S3Errors.failure(this, "reading", key, e);
        }
    }

    /**
     * Aborts the incomplete multipart uploads under {@code prefix} (left by a killed process). Call it only when no
     * writer of this prefix is active: it would abort a live upload too.
     */
    public int cleanStaging(String prefix) {
        checkKey(prefix, true);
        int aborted = 0;
        String keyMarker = null;
        String uploadIdMarker = null;
        try {
            while (true) {
                ListMultipartUploadsResponse page = client.listMultipartUploads(ListMultipartUploadsRequest.builder()
                        .bucket(bucket).prefix(objectKey(prefix)).keyMarker(keyMarker).uploadIdMarker(uploadIdMarker)
                        .build());
                for (MultipartUpload u : page.uploads()) {
                    try {
                        client.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(u.key())
                                .uploadId(u.uploadId()).build());
                        aborted++;
                    } catch (NoSuchUploadException gone) {
                        // Completed or aborted meanwhile.
                    }
                }
                if (!Boolean.TRUE.equals(page.isTruncated())) {
                    break;
                }
                keyMarker = page.nextKeyMarker();
                uploadIdMarker = page.nextUploadIdMarker();
            }
        } catch (SdkException e) {
            throw S3Errors.failure(this, "aborting the unfinished uploads under", prefix + "*", e);
        }
        if (aborted > 0) {
            LOG.info("S3 sink {}: aborted {} unfinished multipart uploads under {}", location, aborted, prefix);
        }
        return aborted;
    }

    /**
     * Stops the upload threads and closes what this sink created. Writers still open fail on their next part. May be
     * called more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        uploads.shutdown();
        buffers.close();
        if (ownsClient) {
            client.close();
            if (ownedCredentials != null) {
                ownedCredentials.close();
            }
        }
    }

    /** Checks a key (or a prefix); see {@link ObjectKeys#check}. */
    void checkKey(String key, boolean prefix) {
        keys.check(key, prefix);
    }

    @Override
    public String toString() {
        return "S3Storage[" + location + "]";
    }
}
