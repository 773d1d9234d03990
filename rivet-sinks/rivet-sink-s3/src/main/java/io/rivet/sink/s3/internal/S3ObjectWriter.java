package io.rivet.sink.s3.internal;

import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import io.rivet.sink.support.ByteBufferInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
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
 * One object streaming into S3. Bytes fill a part buffer; each full part is handed to the sink's upload threads while
 * the next one fills, with at most {@link S3Settings#partsInFlight()} parts of this object uploading at once (the
 * writer blocks on the next part until one finishes). So memory per object is at most {@code partsInFlight + 1}
 * parts, and nothing is staged on local disk.
 *
 * <p>Part buffers come from the sink's {@link io.rivet.sink.support.PartBufferPool} (off-heap) and are never copied on
 * the way out: the request body reads the buffer itself, a retry reads it again from the start, and the buffer goes
 * back to the pool only when its upload has completed or definitively failed. The first bytes of an object fill a
 * small heap buffer that grows up to {@link #SMALL_OBJECT}, so the manifest, {@code _SUCCESS} and other small files
 * never take a part buffer. With checksums on, the part's CRC32 is computed here, from the buffer, and sent as a
 * header the store verifies; the SDK then streams the body as it is instead of re-chunking it to append a trailer.
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
    /** The first buffer; it grows on the heap to {@link #SMALL_OBJECT}, then moves into a pooled part buffer. */
    private static final int FIRST_BUFFER = 64 * 1024;
    private static final String PART_MIME_TYPE = "application/octet-stream";

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

    // Owned by the writing thread, then by the committing thread (the writer has finished by then). The buffer is in
    // write mode: its position is the number of bytes filled. Heap while small, else a pooled (direct) part buffer.
    private ByteBuffer buffer;
    private int nextPart = 1;
    private int partsSent;
    private boolean streamClosed;
    private volatile Thread writerThread; // the thread that writes the stream, once it has written

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
                if (count() > 0) {
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
            if (!done) {
                throw cancelled(null);
            }
        } catch (IOException e) {
            throw asSinkException(e);
        } finally {
            if (!done) {
                abort();
            }
            // The committing thread owns the buffer now, and the PutObject that read it has returned.
            releaseBuffer();
        }
    }

    /**
     * Aborts the multipart upload if one was started; nothing becomes visible. Never throws; may be repeated. Parts
     * uploading return their buffers when their request ends; the buffer being filled goes back at once when the
     * writing thread aborts, else on that thread's next write.
     */
    @Override
    public void abort() {
        String id;
        synchronized (lock) {
            if (state == State.COMMITTED || state == State.ABORTED) {
                return;
            }
            state = State.ABORTED;
            id = uploadId;
            // Cut short retries and waits of parts still uploading; each aborts once more when it ends.
            running.forEach(Thread::interrupt);
            lock.notifyAll();
        }
        if (writerThread == null || writerThread == Thread.currentThread()) {
            releaseBuffer();
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
        if (writerThread == null) {
            writerThread = Thread.currentThread();
        }
        if (streamClosed) {
            throw new IOException("the stream of \"" + key + "\" in " + store.location() + " is closed");
        }
        State now = state;
        if (now != State.OPEN) {
            if (now == State.ABORTED) {
                releaseBuffer(); // aborted from another thread: this (the writing) thread hands the buffer back
            }
            throw new IOException("\"" + key + "\" in " + store.location() + " was already "
                    + now.name().toLowerCase(java.util.Locale.ROOT));
        }
        checkPartFailure();
    }

    /** Bytes filled in the current buffer. */
    private int count() {
        return buffer == null ? 0 : buffer.position();
    }

    /**
     * Makes room in the buffer: grows the small first buffer (on the heap, up to {@link #SMALL_OBJECT}), moves it into
     * a pooled part buffer, or sends the full part and takes the next pooled buffer.
     */
    private void makeRoom() throws IOException {
        int partSize = partSize(nextPart);
        if (buffer == null) {
            buffer = nextPart == 1 ? ByteBuffer.allocate(Math.min(FIRST_BUFFER, partSize)) : store.takeBuffer(partSize);
        } else if (buffer.capacity() < partSize) {
            ByteBuffer larger = buffer.capacity() < SMALL_OBJECT
                    ? ByteBuffer.allocate(Math.min(SMALL_OBJECT, 2 * buffer.capacity()))
                    : store.takeBuffer(partSize);
            larger.put(buffer.flip());
            buffer = larger; // the old one was a heap buffer
        } else {
            sendPart();
            buffer = store.takeBuffer(partSize(nextPart));
        }
    }

    /** Hands the current buffer back to the pool (heap buffers are simply dropped). Writing or committing thread. */
    private void releaseBuffer() {
        ByteBuffer b = buffer;
        buffer = null;
        if (b != null && b.isDirect()) {
            store.giveBuffer(b);
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
        if (state == State.ABORTED) {
            releaseBuffer(); // the writing thread's buffer, which an abort from another thread left to it
            return;
        }
        checkPartFailure();
        boolean multipart;
        synchronized (lock) {
            multipart = uploadId != null;
        }
        if (!multipart && count() < SMALL_OBJECT) {
            // Waits for commit in memory; keep only what it needs.
            if (buffer != null && buffer.capacity() - count() > 16 * 1024) {
                ByteBuffer exact = ByteBuffer.allocate(count()).put(buffer.flip());
                releaseBuffer();
                buffer = exact;
            }
            return;
        }
        if (count() > 0) {
            sendPart();
        }
    }

    /**
     * Hands the buffer to an upload thread as the next part (the upload gives it back to the pool); blocks while too
     * many are in flight.
     */
    private void sendPart() throws IOException {
        startUpload();
        int number = nextPart;
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
                throw new IOException("\"" + key + "\" in " + store.location() + " was aborted");
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
        nextPart++;
        partsSent++;
        buffer = null;
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
            if (buffer == null || !buffer.hasRemaining()) {
                makeRoom();
            }
            buffer.put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return;
            }
            ensureWritable();
            while (len > 0) {
                if (buffer == null || !buffer.hasRemaining()) {
                    makeRoom();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
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
