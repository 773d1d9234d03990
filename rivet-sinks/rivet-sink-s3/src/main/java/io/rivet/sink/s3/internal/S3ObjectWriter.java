package io.rivet.sink.s3.internal;

import io.rivet.exception.SinkException;
import io.rivet.sink.support.BufferedObjectWriter;
import io.rivet.sink.support.ByteBufferInputStream;
import io.rivet.sink.support.ObjectKeys;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One object streaming into S3. Bytes fill a part buffer ({@link BufferedObjectWriter}); each full part is handed to
 * the sink's upload threads while the next one fills, with at most {@link S3Settings#partsInFlight()} parts of this
 * object uploading at once (the writer blocks on the next part until one finishes). So memory per object is at most
 * {@code partsInFlight + 1} parts, and nothing is staged on local disk.
 *
 * <p>Part buffers are never copied on the way out: the request body reads the buffer itself, a retry reads it again
 * from the start, and the buffer goes back to the pool only when its upload has completed or definitively failed.
 * With checksums on, the part's CRC32 is computed here, from the buffer, and sent as a header the store verifies; the
 * SDK then streams the body as it is instead of re-chunking it to append a trailer.
 *
 * <p>The multipart upload starts with the first full part. {@link #commit()} uploads the rest and completes it; the
 * object becomes visible only then, all at once. An object that never filled a part is sent with a single PutObject
 * at commit. {@link #abort()} aborts the multipart upload; a part still uploading at that moment triggers a second
 * abort when it ends, so no part survives.
 *
 * <p>Not thread-safe for writing (one writer thread); {@link #commit()}, {@link #abort()} and {@link #close()} may
 * come from another thread, and abort may interrupt a commit.
 */
final class S3ObjectWriter extends BufferedObjectWriter {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectWriter.class);
    private static final String PART_MIME_TYPE = "application/octet-stream";

    private final S3Storage store;
    private final String objectKey;
    private final String contentType;
    private final long basePartSize;
    private final Semaphore permits;
    private final ConcurrentSkipListMap<Integer, CompletedPart> uploaded = new ConcurrentSkipListMap<>();
    private final AtomicReference<Throwable> partFailure = new AtomicReference<>();

    private String uploadId; // guarded by lock
    private int active; // parts submitted and not finished, guarded by lock
    private final Set<Thread> running = new HashSet<>(); // threads uploading a part, guarded by lock

    S3ObjectWriter(S3Storage store, String key) {
        super(key, "S3", store.location(), store.buffers());
        this.store = store;
        this.objectKey = store.objectKey(key);
        this.contentType = ObjectKeys.contentType(key);
        this.basePartSize = store.settings().partSize();
        this.permits = new Semaphore(store.settings().partsInFlight());
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "S3ObjectWriter[" + store.uri(key) + ", " + state + "]";
        }
    }

    /** PutObject for an object that never filled a part, otherwise the last part and CompleteMultipartUpload. */
    @Override
    protected void publish() throws IOException {
        String id;
        synchronized (lock) {
            id = uploadId;
        }
        if (id == null) {
            // Never filled a part: one request, visible at once when it succeeds.
            putObject();
        } else {
            if (count() > 0) {
                sendPart();
            }
            awaitParts();
            checkFailure();
            complete();
        }
    }

    /**
     * Aborts the multipart upload if one was started, after cutting short the retries and waits of parts still
     * uploading; each of those aborts once more when it ends, so no part survives.
     */
    @Override
    protected Runnable abortLocked() {
        String id = uploadId;
        running.forEach(Thread::interrupt);
        return id == null ? null : () -> abortUpload(id);
    }

    // ------------------------------------------------------------------ writing (writer thread)

    @Override
    protected int partSize() throws IOException {
        int part = partsSent + 1;
        if (part > PartSizes.MAX_PARTS) {
            SinkException tooLarge = new SinkException(null, store.location(), key, "S3 sink " + store.location()
                    + ": \"" + key + "\" is larger than the " + PartSizes.capacity(basePartSize) + " bytes one"
                    + " multipart upload can hold; set max_file_size to split the output into smaller files.", null,
                    false);
            throw new IOException(tooLarge.getMessage(), tooLarge);
        }
        return PartSizes.size(basePartSize, part);
    }

    /**
     * Hands the buffer to an upload thread as the next part (the upload gives it back to the pool); blocks while too
     * many are in flight.
     */
    @Override
    protected void sendPart() throws IOException {
        startUpload();
        int number = partsSent + 1;
        ByteBuffer part = buffer;
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to upload part " + number + " of \"" + key
                    + "\"");
        }
        synchronized (lock) {
            if (state == State.ABORTED) {
                permits.release();
                throw abortedException();
            }
            active++;
        }
        part.flip(); // from here on read-only: position 0, limit the part's length
        try {
            store.uploads().execute(() -> uploadPart(part, number));
        } catch (RejectedExecutionException e) {
            part.position(part.limit()).limit(part.capacity()); // still the writer's, back in write mode
            synchronized (lock) {
                active--;
            }
            permits.release();
            throw new IOException("the S3 sink " + store.location() + " is closed; cannot upload \"" + key + "\"", e);
        }
        partsSent++;
        buffer = null;
        checkFailure();
    }

    private void startUpload() throws IOException {
        synchronized (lock) {
            if (uploadId != null) {
                return;
            }
        }
        S3Settings s = store.settings();
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder().bucket(store.bucket())
                .key(objectKey).contentType(contentType);
        if (s.checksums()) {
            request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
        if (s.sse() != null) {
            request.serverSideEncryption(s.sse());
            if (s.sse() == ServerSideEncryption.AWS_KMS && s.kmsKeyId() != null) {
                request.ssekmsKeyId(s.kmsKeyId());
            }
        }
        String id;
        try {
            id = store.client().createMultipartUpload(request.build()).uploadId();
        } catch (SdkException e) {
            SinkException failure = S3Errors.failure(store, "starting the multipart upload of", key, e);
            throw new IOException(failure.getMessage(), failure);
        }
        boolean abortedMeanwhile;
        synchronized (lock) {
            uploadId = id;
            abortedMeanwhile = state == State.ABORTED;
        }
        if (abortedMeanwhile) {
            abortUpload(id);
            throw abortedException();
        }
        LOG.debug("S3 sink {}: started multipart upload of {}", store.location(), key);
    }

    // ------------------------------------------------------------------ uploading (upload threads)

    private void uploadPart(ByteBuffer part, int number) {
        Thread me = Thread.currentThread();
        String id;
        boolean skip;
        synchronized (lock) {
            skip = state == State.ABORTED;
            id = uploadId;
            if (!skip) {
                running.add(me);
            }
        }
        try {
            if (!skip && partFailure.get() == null) {
                long length = part.remaining();
                UploadPartRequest.Builder request = UploadPartRequest.builder().bucket(store.bucket()).key(objectKey)
                        .uploadId(id).partNumber(number).contentLength(length);
                if (store.settings().checksums()) {
                    request.checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumCRC32(crc32(part));
                }
                UploadPartResponse response = store.client().uploadPart(request.build(), body(part, PART_MIME_TYPE));
                uploaded.put(number, CompletedPart.builder().partNumber(number).eTag(response.eTag())
                        .checksumCRC32(response.checksumCRC32()).build());
            }
        } catch (Throwable t) {
            if (!skip) {
                partFailure.compareAndSet(null, t);
            }
        } finally {
            boolean abortAgain;
            synchronized (lock) {
                running.remove(me);
                active--;
                abortAgain = !skip && state == State.ABORTED;
                lock.notifyAll();
            }
            // An interrupt was meant for this part only; the pool thread goes on to other work.
            Thread.interrupted();
            // The request and all its retries are over: nobody reads the buffer any more.
            giveBuffer(part);
            permits.release();
            if (abortAgain) {
                // This part may have landed after the abort; S3 then needs another abort to drop it.
                abortUpload(id);
            }
        }
    }

    // ------------------------------------------------------------------ publishing

    private void putObject() throws IOException {
        ByteBuffer body = buffer == null ? ByteBuffer.allocate(0) : buffer.flip();
        S3Settings s = store.settings();
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(store.bucket()).key(objectKey)
                .contentType(contentType).contentLength((long) body.remaining());
        if (s.checksums()) {
            request.checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumCRC32(crc32(body));
        }
        if (s.sse() != null) {
            request.serverSideEncryption(s.sse());
            if (s.sse() == ServerSideEncryption.AWS_KMS && s.kmsKeyId() != null) {
                request.ssekmsKeyId(s.kmsKeyId());
            }
        }
        try {
            store.client().putObject(request.build(), body(body, contentType));
        } catch (SdkException e) {
            throw interruptedOr(e, () -> S3Errors.failure(store, "uploading", key, e));
        }
    }

    private void awaitParts() {
        synchronized (lock) {
            while (active > 0 && state == State.COMMITTING) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw cancelled(e);
                }
            }
            if (state != State.COMMITTING) {
                throw cancelled(null);
            }
        }
    }

    private void complete() {
        String id;
        synchronized (lock) {
            id = uploadId;
        }
        List<CompletedPart> parts = new ArrayList<>(uploaded.values());
        if (parts.size() != partsSent) {
            throw new SinkException(null, store.location(), key, "S3 sink " + store.location() + ": " + partsSent
                    + " parts of \"" + key + "\" were sent but " + parts.size() + " confirmed (a Rivet bug, please"
                    + " report it). The upload was aborted.", null, true);
        }
        try {
            store.client().completeMultipartUpload(b -> b.bucket(store.bucket()).key(objectKey).uploadId(id)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            throw interruptedOr(e, () -> S3Errors.failure(store, "completing the multipart upload of", key, e));
        }
        LOG.debug("S3 sink {}: completed {} in {} parts", store.location(), key, parts.size());
    }

    /**
     * Aborts the multipart upload and waits for the answer. The request runs on an upload thread: the calling thread
     * is often a worker being cancelled, and an interrupt (now or during the SDK's retry backoff) would cut the abort
     * short and leave the upload behind.
     */
    private void abortUpload(String id) {
        java.util.concurrent.Future<?> done;
        try {
            done = store.uploads().submit(() -> abortUploadNow(id));
        } catch (RejectedExecutionException closed) {
            abortUploadNow(id);
            return;
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        try {
            while (true) {
                try {
                    done.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.warn("S3 sink {}: aborting the multipart upload {} of {} did not finish ({}); a resume or a"
                            + " lifecycle rule (AbortIncompleteMultipartUpload) removes it.", store.location(), id, key,
                            e.toString());
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void abortUploadNow(String id) {
        boolean interrupted = Thread.interrupted();
        try {
            store.client().abortMultipartUpload(b -> b.bucket(store.bucket()).key(objectKey).uploadId(id));
            LOG.debug("S3 sink {}: aborted the upload of {}", store.location(), key);
        } catch (NoSuchUploadException e) {
            // Already aborted (a part that ended after the first abort) or never existed.
        } catch (RuntimeException e) {
            LOG.warn("S3 sink {}: could not abort the multipart upload {} of {} ({}). Nothing is visible, but its"
                    + " parts use storage until a resume cleans them up or a lifecycle rule"
                    + " (AbortIncompleteMultipartUpload) removes them.", store.location(), id, key,
                    S3Errors.describe(e));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A request body that reads {@code bytes} (position to limit) in place: every attempt, first or retry, gets a new
     * stream over the same bytes, so nothing is copied and a retry sends exactly what the first attempt did.
     */
    static RequestBody body(ByteBuffer bytes, String mimeType) {
        return RequestBody.fromContentProvider(() -> new ByteBufferInputStream(bytes), bytes.remaining(), mimeType);
    }

    /** The CRC32 of {@code bytes} (position to limit) as S3 expects it: base64 of the big-endian value. */
    static String crc32(ByteBuffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        long v = crc.getValue();
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return Base64.getEncoder().encodeToString(b);
    }

    // ------------------------------------------------------------------ failures

    @Override
    protected void checkFailure() throws IOException {
        Throwable t = partFailure.get();
        if (t != null) {
            SinkException e = t instanceof SdkException sdk
                    ? S3Errors.failure(store, "uploading a part of", key, sdk)
                    : new SinkException(null, store.location(), key, "S3 sink " + store.location() + ": uploading a"
                            + " part of \"" + key + "\" failed: " + t, t, S3Errors.retryable(t));
            throw new IOException(e.getMessage(), e);
        }
    }

    private RuntimeException interruptedOr(SdkException e, java.util.function.Supplier<SinkException> failure) {
        if (Thread.currentThread().isInterrupted() || S3Errors.find(e, InterruptedException.class) != null) {
            return cancelled(e);
        }
        return failure.get();
    }
}
