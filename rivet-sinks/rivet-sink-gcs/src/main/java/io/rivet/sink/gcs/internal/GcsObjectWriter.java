package io.rivet.sink.gcs.internal;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import io.rivet.exception.SinkException;
import io.rivet.sink.support.BufferedObjectWriter;
import io.rivet.sink.support.ObjectKeys;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object streaming into GCS through a resumable upload ({@link WriteChannel}). Bytes fill a chunk buffer
 * ({@link BufferedObjectWriter}); each full chunk is written into the channel by an upload thread while the next one
 * fills (one chunk in flight: a resumable upload is sequential). Memory per object is two chunks plus the channel's
 * own chunk buffer; nothing is staged on disk.
 *
 * <p>Visibility: GCS publishes a resumable upload only when it is finalised, which is {@link WriteChannel#close()},
 * called by {@link #commit()}. {@link #abort()} never closes the channel: the session is abandoned unfinalised
 * (GCS discards it after a week) and nothing becomes visible. An object that never filled a chunk is created with one
 * request at commit.
 *
 * <p>Integrity: a CRC32C of every byte is computed while writing and compared with the one GCS reports for the
 * finished object; on a mismatch the object is deleted and the commit fails (retryable).
 *
 * <p>Not thread-safe for writing; {@link #commit()}, {@link #abort()} and {@link #close()} may come from another
 * thread.
 */
final class GcsObjectWriter extends BufferedObjectWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GcsObjectWriter.class);

    private final GcsStorage store;
    private final BlobId blobId;
    private final Semaphore permit = new Semaphore(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CRC32C crc = new CRC32C();

    private Thread uploading; // guarded by lock

    // Owned by the writing thread, then by the committing thread.
    private WriteChannel channel;
    private long size;

    GcsObjectWriter(GcsStorage store, String key) {
        super(key, "GCS", store.location(), store.buffers());
        this.store = store;
        this.blobId = store.blobId(key);
    }

    @Override
    public String toString() {
        return "GcsObjectWriter[" + store.uri(key) + ", " + state + "]";
    }

    /** One request for an object that never filled a chunk, otherwise the last chunk and the finalising request. */
    @Override
    protected void publish() throws IOException {
        Blob created = null;
        if (channel == null) {
            created = createSmall();
        } else {
            if (count() > 0) {
                sendPart();
            }
            awaitChunk();
            checkFailure();
            finalizeUpload();
        }
        verify(created);
    }

    /**
     * Interrupts the chunk being written. The channel is deliberately not closed: closing would finalise, i.e. publish,
     * the partial object.
     */
    @Override
    protected Runnable abortLocked() {
        if (uploading != null) {
            uploading.interrupt();
        }
        return () -> LOG.debug("GCS sink {}: abandoned the upload of {}", store.location(), key);
    }

    // ------------------------------------------------------------------ writing

    @Override
    protected int partSize() {
        return store.chunkSize();
    }

    @Override
    protected void written(byte[] b, int off, int len) {
        crc.update(b, off, len);
        size += len;
    }

    /** Hands the buffer to an upload thread, after the previous chunk finished (a resumable upload is sequential). */
    @Override
    protected void sendPart() throws IOException {
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
            throw abortedException();
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
        partsSent++;
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
            giveBuffer(chunk); // written or failed: the channel has copied what it needs
            permit.release();
        }
    }

    // ------------------------------------------------------------------ publishing

    private BlobInfo blobInfo() {
        return BlobInfo.newBuilder(blobId).setContentType(ObjectKeys.contentType(key)).build();
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

    @Override
    protected void checkFailure() throws IOException {
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
}
