package io.rivet.sink.s3.internal;

import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
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
 * One object streaming into S3. Bytes fill a part buffer; each full part is handed to the sink's upload threads while
 * the next one fills, with at most {@link S3Settings#partsInFlight()} parts of this object uploading at once (the
 * writer blocks on the next part until one finishes). So memory per object is at most {@code partsInFlight + 1}
 * parts, and nothing is staged on local disk.
 *
 * <p>The multipart upload starts with the first full part. {@link #commit()} uploads the rest and completes it; the
 * object becomes visible only then, all at once. An object that never filled a part (under {@link #SMALL_OBJECT} when
 * its stream is closed, or any size at commit) is sent with a single PutObject at commit. {@link #abort()} aborts the
 * multipart upload; a part still uploading at that moment triggers a second abort when it ends, so no part survives.
 *
 * <p>Closing {@link #stream()} means "no more bytes": the last part is sent right away, so a finished file waiting for
 * its chunk to commit holds no buffer. Not thread-safe for writing (one writer thread); {@link #commit()},
 * {@link #abort()} and {@link #close()} may come from another thread, and abort may interrupt a commit.
 */
final class S3ObjectWriter implements ObjectWriter {
    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectWriter.class);
    /** A closed stream with fewer bytes than this waits in memory for one PutObject at commit. */
    static final int SMALL_OBJECT = 1024 * 1024;
    /** The first buffer; it grows to the part size, so small objects never allocate a whole part. */
    private static final int FIRST_BUFFER = 64 * 1024;

    private enum State { OPEN, COMMITTING, COMMITTED, ABORTED }

    private final S3Storage store;
    private final String key;
    private final String objectKey;
    private final String contentType;
    private final long basePartSize;
    private final Semaphore permits;
    private final PartStream stream = new PartStream();
    private final ConcurrentSkipListMap<Integer, CompletedPart> uploaded = new ConcurrentSkipListMap<>();
    private final AtomicReference<Throwable> partFailure = new AtomicReference<>();

    private final Object lock = new Object();
    private volatile State state = State.OPEN; // written under lock; read freely by the writer
    private String uploadId; // guarded by lock
    private int active; // parts submitted and not finished, guarded by lock
    private final Set<Thread> running = new HashSet<>(); // threads uploading a part, guarded by lock

    // Owned by the writing thread, then by the committing thread (the writer has finished by then).
    private byte[] buffer;
    private int count;
    private int nextPart = 1;
    private int partsSent;
    private boolean streamClosed;

    S3ObjectWriter(S3Storage store, String key) {
        this.store = store;
        this.key = key;
        this.objectKey = store.objectKey(key);
        this.contentType = S3Storage.contentType(key);
        this.basePartSize = store.settings().partSize();
        this.permits = new Semaphore(store.settings().partsInFlight());
    }

    @Override
    public String key() {
        return key;
    }

    /**
     * The stream into the object. Its {@code flush()} sends nothing (parts go when full); its {@code close()} means
     * "no more bytes" and neither publishes nor aborts. Its {@code IOException}s carry a {@link SinkException} as
     * cause.
     */
    @Override
    public OutputStream stream() {
        return stream;
    }

    /**
     * Publishes the object: PutObject for a small one, otherwise the last part and CompleteMultipartUpload.
     *
     * @throws SinkException naming the bucket and key when it fails (the upload is then aborted)
     * @throws ExportCancelledException when the thread is interrupted or the writer is aborted meanwhile
     * @throws IllegalStateException when already committed or aborted
     */
    @Override
    public void commit() {
        synchronized (lock) {
            if (state != State.OPEN) {
                throw new IllegalStateException("object \"" + key + "\" in " + store.location() + " was already "
                        + (state == State.COMMITTED ? "committed" : "aborted"));
            }
            state = State.COMMITTING;
        }
        boolean done = false;
        try {
            checkPartFailure();
            String id;
            synchronized (lock) {
                id = uploadId;
            }
            if (id == null) {
                // Never filled a part: one request, visible at once when it succeeds.
                putObject();
            } else {
                if (count > 0) {
                    sendPart();
                }
                awaitParts();
                checkPartFailure();
                complete();
            }
            synchronized (lock) {
                if (state == State.COMMITTING) {
                    state = State.COMMITTED;
                    done = true;
                }
            }
            if (done) {
                store.writerFinished();
            }
            if (!done) {
                throw cancelled(null);
            }
        } catch (IOException e) {
            throw asSinkException(e);
        } finally {
            if (!done) {
                abort();
            }
            if (buffer != null) {
                store.giveBuffer(buffer);
                buffer = null;
            }
        }
    }

    /** Aborts the multipart upload if one was started; nothing becomes visible. Never throws; may be repeated. */
    @Override
    public void abort() {
        String id;
        synchronized (lock) {
            if (state == State.COMMITTED || state == State.ABORTED) {
                return;
            }
            state = State.ABORTED;
            store.writerFinished();
            id = uploadId;
            // Cut short retries and waits of parts still uploading; each aborts once more when it ends.
            running.forEach(Thread::interrupt);
            lock.notifyAll();
        }
        if (id != null) {
            abortUpload(id);
        }
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "S3ObjectWriter[" + store.uri(key) + ", " + state + "]";
        }
    }

    // ------------------------------------------------------------------ writing (writer thread)

    private void ensureWritable() throws IOException {
        if (streamClosed) {
            throw new IOException("the stream of \"" + key + "\" in " + store.location() + " is closed");
        }
        State now = state;
        if (now != State.OPEN) {
            throw new IOException("\"" + key + "\" in " + store.location() + " was already "
                    + now.name().toLowerCase(java.util.Locale.ROOT));
        }
        checkPartFailure();
    }

    /** Makes room in the buffer: grows the first buffer, or sends the full part and takes a fresh buffer. */
    private void makeRoom() throws IOException {
        int partSize = partSize(nextPart);
        if (buffer == null) {
            buffer = nextPart == 1 ? new byte[Math.min(FIRST_BUFFER, partSize)] : store.takeBuffer(partSize);
        } else if (buffer.length < partSize) {
            int grown = (int) Math.min(partSize, 2L * buffer.length);
            byte[] larger = grown == partSize ? store.takeBuffer(partSize) : new byte[grown];
            System.arraycopy(buffer, 0, larger, 0, count);
            buffer = larger;
        } else {
            sendPart();
            buffer = store.takeBuffer(partSize(nextPart));
        }
    }

    private int partSize(int part) throws IOException {
        if (part > PartSizes.MAX_PARTS) {
            SinkException tooLarge = new SinkException(null, store.location(), key, "S3 sink " + store.location()
                    + ": \"" + key + "\" is larger than the " + PartSizes.capacity(basePartSize) + " bytes one"
                    + " multipart upload can hold; set max_file_size to split the output into smaller files.", null,
                    false);
            throw new IOException(tooLarge.getMessage(), tooLarge);
        }
        return PartSizes.size(basePartSize, part);
    }

    /** "No more bytes": sends the last part if the upload is multipart (or large enough to be). */
    private void finishWriting() throws IOException {
        if (streamClosed) {
            return;
        }
        streamClosed = true;
        synchronized (lock) {
            if (state == State.ABORTED) {
                return;
            }
        }
        checkPartFailure();
        boolean multipart;
        synchronized (lock) {
            multipart = uploadId != null;
        }
        if (!multipart && count < SMALL_OBJECT) {
            // Waits for commit in memory; keep only what it needs.
            if (buffer != null && buffer.length - count > 16 * 1024) {
                byte[] exact = Arrays.copyOf(buffer, count);
                store.giveBuffer(buffer);
                buffer = exact;
            }
            return;
        }
        if (count > 0) {
            sendPart();
        }
    }

    /** Hands the buffer (count bytes) to an upload thread as the next part; blocks while too many are in flight. */
    private void sendPart() throws IOException {
        startUpload();
        int number = nextPart;
        byte[] part = buffer;
        int length = count;
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
                throw new IOException("\"" + key + "\" in " + store.location() + " was aborted");
            }
            active++;
        }
        try {
            store.uploads().execute(() -> uploadPart(part, length, number));
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                active--;
            }
            permits.release();
            throw new IOException("the S3 sink " + store.location() + " is closed; cannot upload \"" + key + "\"", e);
        }
        nextPart++;
        partsSent++;
        buffer = null;
        count = 0;
        checkPartFailure();
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
            throw new IOException("\"" + key + "\" in " + store.location() + " was aborted");
        }
        LOG.debug("S3 sink {}: started multipart upload of {}", store.location(), key);
    }

    // ------------------------------------------------------------------ uploading (upload threads)

    private void uploadPart(byte[] part, int length, int number) {
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
                UploadPartRequest.Builder request = UploadPartRequest.builder().bucket(store.bucket()).key(objectKey)
                        .uploadId(id).partNumber(number).contentLength((long) length);
                if (store.settings().checksums()) {
                    request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
                }
                UploadPartResponse response = store.client().uploadPart(request.build(),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, length), length,
                                "application/octet-stream"));
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
            store.giveBuffer(part);
            permits.release();
            if (abortAgain) {
                // This part may have landed after the abort; S3 then needs another abort to drop it.
                abortUpload(id);
            }
        }
    }

    // ------------------------------------------------------------------ publishing

    private void putObject() throws IOException {
        byte[] body = buffer == null ? new byte[0] : buffer;
        int length = count;
        S3Settings s = store.settings();
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(store.bucket()).key(objectKey)
                .contentType(contentType).contentLength((long) length);
        if (s.checksums()) {
            request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
        }
        if (s.sse() != null) {
            request.serverSideEncryption(s.sse());
            if (s.sse() == ServerSideEncryption.AWS_KMS && s.kmsKeyId() != null) {
                request.ssekmsKeyId(s.kmsKeyId());
            }
        }
        try {
            store.client().putObject(request.build(), RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(body, 0, length), length, contentType));
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

    // ------------------------------------------------------------------ failures

    private void checkPartFailure() throws IOException {
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

    private ExportCancelledException cancelled(Throwable cause) {
        return new ExportCancelledException(null, "The upload of \"" + key + "\" to " + store.location()
                + " was cancelled; nothing was published.", cause);
    }

    private RuntimeException asSinkException(IOException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SinkException s) {
            return s;
        }
        if (e instanceof InterruptedIOException) {
            return cancelled(e);
        }
        return new SinkException(null, store.location(), key, "S3 sink " + store.location() + ": writing \"" + key
                + "\" failed: " + e.getMessage(), e, false);
    }

    /** The object's stream; see {@link S3ObjectWriter#stream()}. */
    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            ensureWritable();
            if (buffer == null || count == buffer.length) {
                makeRoom();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return;
            }
            ensureWritable();
            while (len > 0) {
                if (buffer == null || count == buffer.length) {
                    makeRoom();
                }
                int n = Math.min(len, buffer.length - count);
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        /** Sends nothing: parts go when they are full. */
        @Override
        public void flush() {
        }

        @Override
        public void close() throws IOException {
            finishWriting();
        }
    }
}
