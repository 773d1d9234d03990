package io.rivet.sink.gcs.internal;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object streaming into GCS through a resumable upload ({@link WriteChannel}). Bytes fill a chunk buffer; each
 * full chunk is written into the channel by an upload thread while the next one fills (one chunk in flight: a
 * resumable upload is sequential). Memory per object is two chunks plus the channel's own chunk buffer; nothing is
 * staged on disk. Chunk buffers come from the sink's {@link io.rivet.sink.support.PartBufferPool} (off-heap) and go
 * back when their chunk has been written or has failed; the first bytes of an object fill a small heap buffer that
 * grows up to {@link #SMALL_OBJECT}, so small files never take a chunk buffer.
 *
 * <p>Visibility: GCS publishes a resumable upload only when it is finalised, which is {@link WriteChannel#close()},
 * called by {@link #commit()}. {@link #abort()} never closes the channel: the session is abandoned unfinalised
 * (GCS discards it after a week) and nothing becomes visible. An object that never filled a chunk (under
 * {@link #SMALL_OBJECT} when its stream is closed, or any size at commit) is created with one request at commit.
 *
 * <p>Integrity: a CRC32C of every byte is computed while writing and compared with the one GCS reports for the
 * finished object; on a mismatch the object is deleted and the commit fails (retryable).
 *
 * <p>Not thread-safe for writing; {@link #commit()}, {@link #abort()} and {@link #close()} may come from another
 * thread.
 */
final class GcsObjectWriter implements ObjectWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GcsObjectWriter.class);
    /** A closed stream with fewer bytes than this waits in memory for one request at commit. */
    static final int SMALL_OBJECT = 1024 * 1024;
    private static final int FIRST_BUFFER = 64 * 1024;

    private enum State { OPEN, COMMITTING, COMMITTED, ABORTED }

    private final GcsStorage store;
    private final String key;
    private final BlobId blobId;
    private final Semaphore permit = new Semaphore(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final PartStream stream = new PartStream();
    private final CRC32C crc = new CRC32C();

    private final Object lock = new Object();
    private volatile State state = State.OPEN; // written under lock
    private Thread uploading; // guarded by lock

    // Owned by the writing thread, then by the committing thread. The buffer is in write mode (position = bytes
    // filled): heap while small, else a pooled (direct) chunk buffer.
    private WriteChannel channel;
    private ByteBuffer buffer;
    private long size;
    private boolean streamClosed;
    private volatile Thread writerThread; // the thread that writes the stream, once it has written

    GcsObjectWriter(GcsStorage store, String key) {
        this.store = store;
        this.key = key;
        this.blobId = store.blobId(key);
    }

    @Override
    public String key() {
        return key;
    }

    /** The stream into the object; {@code flush()} sends nothing, {@code close()} means "no more bytes". */
    @Override
    public OutputStream stream() {
        return stream;
    }

    /**
     * Publishes the object: one request for a small one, otherwise the last chunk and the finalising request.
     *
     * @throws SinkException naming the bucket and object when it fails (nothing is visible then)
     * @throws ExportCancelledException when interrupted or aborted meanwhile
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
            checkFailure();
            Blob created = null;
            if (channel == null) {
                created = createSmall();
            } else {
                if (count() > 0) {
                    sendChunk();
                }
                awaitChunk();
                checkFailure();
                finalizeUpload();
            }
            verify(created);
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
            // The committing thread owns the buffer now, and the request that read it has returned.
            releaseBuffer();
        }
    }

    /**
     * Abandons the upload without finalising it; nothing becomes visible. Never throws; may be repeated. A chunk being
     * written returns its buffer when the write ends; the buffer being filled goes back at once when the writing
     * thread aborts, else on that thread's next write.
     */
    @Override
    public void abort() {
        synchronized (lock) {
            if (state == State.COMMITTED || state == State.ABORTED) {
                return;
            }
            state = State.ABORTED;
            if (uploading != null) {
                uploading.interrupt();
            }
            lock.notifyAll();
        }
        // The channel is deliberately not closed: closing would finalise, i.e. publish, the partial object.
        if (writerThread == null || writerThread == Thread.currentThread()) {
            releaseBuffer();
        }
        LOG.debug("GCS sink {}: abandoned the upload of {}", store.location(), key);
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public String toString() {
        return "GcsObjectWriter[" + store.uri(key) + ", " + state + "]";
    }

    // ------------------------------------------------------------------ writing

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
        checkFailure();
    }

    /** Bytes filled in the current buffer. */
    private int count() {
        return buffer == null ? 0 : buffer.position();
    }

    /**
     * Makes room: grows the small first buffer on the heap (up to {@link #SMALL_OBJECT}), moves it into a pooled chunk
     * buffer, or sends the full chunk and takes the next pooled buffer.
     */
    private void makeRoom() throws IOException {
        int chunk = store.chunkSize();
        if (buffer == null) {
            buffer = channel == null ? ByteBuffer.allocate(Math.min(FIRST_BUFFER, chunk)) : store.takeBuffer(chunk);
        } else if (buffer.capacity() < chunk) {
            int grown = Math.min(chunk, 2 * buffer.capacity());
            ByteBuffer larger = grown < chunk && grown <= SMALL_OBJECT ? ByteBuffer.allocate(grown)
                    : store.takeBuffer(chunk);
            larger.put(buffer.flip());
            buffer = larger; // the old one was a heap buffer
        } else {
            sendChunk();
            buffer = store.takeBuffer(chunk);
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

    private void finishWriting() throws IOException {
        if (streamClosed) {
            return;
        }
        streamClosed = true;
        if (state == State.ABORTED) {
            releaseBuffer(); // the writing thread's buffer, which an abort from another thread left to it
            return;
        }
        checkFailure();
        if (channel == null && count() < SMALL_OBJECT) {
            if (buffer != null && buffer.capacity() - count() > 16 * 1024) {
                ByteBuffer exact = ByteBuffer.allocate(count()).put(buffer.flip());
                releaseBuffer();
                buffer = exact;
            }
            return;
        }
        if (count() > 0) {
            sendChunk();
        }
    }

    /** Hands the buffer to an upload thread, after the previous chunk finished (a resumable upload is sequential). */
    private void sendChunk() throws IOException {
        if (channel == null) {
            try {
                channel = store.storage().writer(blobInfo());
                channel.setChunkSize(store.chunkSize());
            } catch (RuntimeException e) {
                SinkException f = GcsErrors.failure(store, "starting the resumable upload of", key, false, e);
                throw new IOException(f.getMessage(), f);
            }
        }
        try {
            permit.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to upload \"" + key + "\"");
        }
        if (state == State.ABORTED) {
            permit.release();
            throw new IOException("\"" + key + "\" in " + store.location() + " was aborted");
        }
        WriteChannel target = channel;
        ByteBuffer chunk = buffer.flip(); // from here on the upload thread's: position 0, limit the chunk's length
        try {
            store.uploads().execute(() -> upload(target, chunk));
        } catch (RejectedExecutionException e) {
            chunk.position(chunk.limit()).limit(chunk.capacity()); // still the writer's, back in write mode
            permit.release();
            throw new IOException("the GCS sink " + store.location() + " is closed; cannot upload \"" + key + "\"", e);
        }
        buffer = null;
        checkFailure();
    }

    private void upload(WriteChannel target, ByteBuffer chunk) {
        Thread me = Thread.currentThread();
        boolean skip;
        synchronized (lock) {
            skip = state == State.ABORTED;
            if (!skip) {
                uploading = me;
            }
        }
        try {
            if (!skip && failure.get() == null) {
                ByteBuffer bytes = chunk.duplicate();
                while (bytes.hasRemaining()) {
                    target.write(bytes);
                }
            }
        } catch (Throwable t) {
            if (!skip) {
                failure.compareAndSet(null, t);
            }
        } finally {
            synchronized (lock) {
                uploading = null;
            }
            Thread.interrupted();
            store.giveBuffer(chunk); // written or failed: the channel has copied what it needs
            permit.release();
        }
    }

    // ------------------------------------------------------------------ publishing

    private BlobInfo blobInfo() {
        return BlobInfo.newBuilder(blobId).setContentType(GcsStorage.contentType(key)).build();
    }

    private Blob createSmall() {
        int length = count();
        byte[] body;
        int offset = 0;
        if (buffer == null) {
            body = new byte[0];
        } else if (buffer.hasArray()) {
            body = buffer.array(); // the usual case: a small object still in its heap buffer
            offset = buffer.arrayOffset();
        } else {
            // Uncommon: up to a chunk committed without closing the stream; the client wants an array.
            body = new byte[length];
            buffer.duplicate().flip().get(body);
        }
        try {
            return store.storage().create(blobInfo(), body, offset, length);
        } catch (RuntimeException e) {
            throw interruptedOr(e, "uploading");
        }
    }

    private void awaitChunk() {
        try {
            permit.acquire();
            permit.release();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled(e);
        }
        if (state != State.COMMITTING) {
            throw cancelled(null);
        }
    }

    private void finalizeUpload() {
        try {
            // Finalises the resumable upload: the object appears now, complete.
            channel.close();
        } catch (IOException | RuntimeException e) {
            throw interruptedOr(e, "finishing the resumable upload of");
        }
    }

    /**
     * Compares size and CRC32C with what GCS reports for the object (when it reports them; the in-memory test store
     * does not). {@code created} is the object a single-request upload returned, or {@code null} to fetch it.
     */
    private void verify(Blob created) {
        Blob blob = created;
        try {
            if (blob == null) {
                blob = store.storage().get(blobId);
            }
        } catch (RuntimeException e) {
            LOG.debug("GCS sink {}: could not read back the metadata of {}: {}", store.location(), key, e.toString());
            return;
        }
        if (blob == null) {
            throw new SinkException(null, store.location(), key, "GCS sink " + store.location() + ": \"" + key
                    + "\" is missing right after its upload finished; run again.", null, true);
        }
        String expected = crc32c();
        boolean sizeWrong = blob.getSize() != null && blob.getSize() != size;
        boolean crcWrong = blob.getCrc32c() != null && !blob.getCrc32c().equals(expected);
        if (sizeWrong || crcWrong) {
            try {
                store.storage().delete(blobId);
            } catch (RuntimeException e) {
                LOG.warn("GCS sink {}: could not delete the damaged object {}: {}", store.location(), key,
                        e.toString());
            }
            throw new SinkException(null, store.location(), key, "GCS sink " + store.location() + ": \"" + key
                    + "\" arrived damaged (" + size + " bytes with CRC32C " + expected + " were sent, GCS holds "
                    + blob.getSize() + " bytes with CRC32C " + blob.getCrc32c() + "). It was deleted; run again.",
                    null, true);
        }
    }

    private String crc32c() {
        long v = crc.getValue();
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return Base64.getEncoder().encodeToString(b);
    }

    // ------------------------------------------------------------------ failures

    private void checkFailure() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            SinkException e = GcsErrors.failure(store, "uploading a chunk of", key, false, t);
            throw new IOException(e.getMessage(), e);
        }
    }

    private RuntimeException interruptedOr(Exception e, String action) {
        if (Thread.currentThread().isInterrupted() || GcsErrors.find(e, InterruptedException.class) != null
                || GcsErrors.find(e, InterruptedIOException.class) != null) {
            return cancelled(e);
        }
        return GcsErrors.failure(store, action, key, false, e);
    }

    private ExportCancelledException cancelled(Throwable cause) {
        return new ExportCancelledException(null, "The upload of \"" + key + "\" to " + store.location()
                + " was cancelled; nothing was published.", cause);
    }

    private RuntimeException asSinkException(IOException e) {
        if (e.getCause() instanceof SinkException s) {
            return s;
        }
        if (e instanceof InterruptedIOException) {
            return cancelled(e);
        }
        return new SinkException(null, store.location(), key, "GCS sink " + store.location() + ": writing \"" + key
                + "\" failed: " + e.getMessage(), e, false);
    }

    /** The object's stream. */
    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            ensureWritable();
            if (buffer == null || !buffer.hasRemaining()) {
                makeRoom();
            }
            buffer.put((byte) b);
            crc.update(b);
            size++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return;
            }
            ensureWritable();
            crc.update(b, off, len);
            size += len;
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

        @Override
        public void flush() {
        }

        @Override
        public void close() throws IOException {
            finishWriting();
        }
    }
}
