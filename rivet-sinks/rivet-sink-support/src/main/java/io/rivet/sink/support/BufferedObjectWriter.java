package io.rivet.sink.support;

import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Objects;

/**
 * What the cloud sinks' object writers share: the object's stream and the buffer behind it, and the life cycle from
 * open to committed or aborted. A subclass sends the parts (or chunks) and publishes the object.
 *
 * <p>Buffering: the first bytes fill a small heap buffer that grows up to {@link #SMALL_OBJECT}, so the manifest,
 * {@code _SUCCESS} and other small files never take a part buffer; past that, bytes fill pooled off-heap buffers of
 * {@link #partSize()} bytes, and each full one goes to {@link #sendPart()}. A stream closed under
 * {@link #SMALL_OBJECT} before any part was sent keeps its bytes (trimmed) for one request at commit; otherwise
 * closing it sends the last part right away, so a finished file waiting for its chunk to commit holds no part buffer.
 *
 * <p>Life cycle: {@link #commit()} moves OPEN to COMMITTING, calls {@link #publish()}, and ends COMMITTED, unless an
 * {@link #abort()} came meanwhile (then it throws {@link ExportCancelledException}); a failed commit aborts. Abort
 * moves any state but COMMITTED to ABORTED, lets the subclass stop its uploads ({@link #abortLocked()}), and runs
 * what that returns once the lock is released.
 *
 * <p>Threads: one thread writes the stream. {@link #commit()}, {@link #abort()} and {@link #close()} may come from
 * another thread (the committing thread owns the buffer once the writer has finished). The buffer being filled goes
 * back to the pool at once when the writing thread aborts, else on that thread's next write; a buffer handed to
 * {@link #sendPart()} belongs to the subclass, which gives it back when its upload ends.
 */
public abstract class BufferedObjectWriter implements ObjectWriter {
    /** A closed stream with fewer bytes than this waits in memory for one request at commit. */
    public static final int SMALL_OBJECT = 1024 * 1024;
    /** The first buffer; it grows on the heap to {@link #SMALL_OBJECT}, then moves into a pooled part buffer. */
    private static final int FIRST_BUFFER = 64 * 1024;
    /** A small object's buffer is trimmed to its bytes when it would waste more than this while waiting. */
    private static final int TRIM_SLACK = 16 * 1024;

    /** Where an object writer is in its life. */
    protected enum State { OPEN, COMMITTING, COMMITTED, ABORTED }

    /** Guards {@link #state} transitions and whatever the subclass shares with its upload threads. */
    protected final Object lock = new Object();
    /** Written under {@link #lock}; read freely. */
    protected volatile State state = State.OPEN;
    /** The object's key (relative to the sink). */
    protected final String key;
    /** Where the sink is, e.g. {@code s3://bucket/prefix/}. */
    protected final String location;
    /**
     * The buffer being filled, in write mode (position = bytes filled): heap while small, else pooled. Owned by the
     * writing thread, then by the committing thread.
     */
    protected ByteBuffer buffer;
    /** Parts handed to {@link #sendPart()} so far. */
    protected int partsSent;

    /** How messages name the sink, e.g. {@code S3 sink s3://bucket/prefix/}. */
    private final String sinkName;
    private final PartBufferPool buffers;
    private final PartStream stream = new PartStream();
    private boolean streamClosed;
    private volatile Thread writerThread; // the thread that writes the stream, once it has written

    /**
     * @param key the object's key
     * @param store the store's name in messages, e.g. {@code "S3"}
     * @param location where the sink is, e.g. {@code "s3://bucket/prefix/"}
     * @param buffers the sink's pool of part buffers
     */
    protected BufferedObjectWriter(String key, String store, String location, PartBufferPool buffers) {
        this.key = key;
        this.sinkName = store + " sink " + location;
        this.location = location;
        this.buffers = buffers;
    }

    @Override
    public final String key() {
        return key;
    }

    /**
     * The stream into the object. Its {@code flush()} sends nothing (parts go when full); its {@code close()} means
     * "no more bytes" and neither publishes nor aborts. Its {@code IOException}s carry a {@link SinkException} as
     * cause.
     */
    @Override
    public final OutputStream stream() {
        return stream;
    }

    /**
     * Publishes the object.
     *
     * @throws SinkException naming the sink and object when it fails (the writer is then aborted)
     * @throws ExportCancelledException when the thread is interrupted or the writer is aborted meanwhile
     * @throws IllegalStateException when already committed or aborted
     */
    @Override
    public final void commit() {
        synchronized (lock) {
            if (state != State.OPEN) {
                throw new IllegalStateException("object \"" + key + "\" in " + location + " was already "
                        + (state == State.COMMITTED ? "committed" : "aborted"));
            }
            state = State.COMMITTING;
        }
        boolean done = false;
        try {
            checkFailure();
            publish();
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

    /** Abandons the object; nothing becomes visible. Never throws; may be repeated. */
    @Override
    public final void abort() {
        Runnable after;
        synchronized (lock) {
            if (state == State.COMMITTED || state == State.ABORTED) {
                return;
            }
            state = State.ABORTED;
            after = abortLocked();
            lock.notifyAll();
        }
        if (writerThread == null || writerThread == Thread.currentThread()) {
            releaseBuffer();
        }
        if (after != null) {
            after.run();
        }
    }

    /** Same as {@link #abort()}. */
    @Override
    public final void close() {
        abort();
    }

    // ------------------------------------------------------------------ for subclasses

    /**
     * Sends what the buffer holds and, when parts were sent, finishes the upload; the object is visible when this
     * returns. Runs on the committing thread after the stream was written, with the state COMMITTING.
     */
    protected abstract void publish() throws IOException;

    /**
     * Hands the full {@link #buffer} to the store as the next part and sets {@code buffer} to {@code null} (or, when it
     * cannot, leaves it in write mode and throws). Increments {@link #partsSent}.
     */
    protected abstract void sendPart() throws IOException;

    /** The size of the next part's buffer. */
    protected abstract int partSize() throws IOException;

    /** Throws, as an {@code IOException} with a {@link SinkException} cause, when an upload thread has failed. */
    protected abstract void checkFailure() throws IOException;

    /**
     * Called under {@link #lock} when the writer is aborted: stops the uploads in flight (interrupts them, say).
     * Returns what to do once the lock is released (abandon the upload on the store), or {@code null}.
     */
    protected abstract Runnable abortLocked();

    /** Sees every byte written to the stream, in order (a running checksum, say). Writing thread. */
    protected void written(byte[] b, int off, int len) {
    }

    /** Bytes filled in the current buffer. */
    protected final int count() {
        return buffer == null ? 0 : buffer.position();
    }

    /** A pooled (off-heap) buffer of {@code length} bytes. */
    protected final ByteBuffer takeBuffer(int length) {
        return buffers.take(length);
    }

    /** Gives a pooled buffer back once nobody reads it any more (an upload thread, when its request has ended). */
    protected final void giveBuffer(ByteBuffer b) {
        buffers.give(b);
    }

    /** Hands the current buffer back to the pool (heap buffers are simply dropped). Writing or committing thread. */
    protected final void releaseBuffer() {
        ByteBuffer b = buffer;
        buffer = null;
        if (b != null && b.isDirect()) {
            buffers.give(b);
        }
    }

    /** Thrown when the export was cancelled or the writer aborted: nothing was published. */
    protected final ExportCancelledException cancelled(Throwable cause) {
        return new ExportCancelledException(null, "The upload of \"" + key + "\" to " + location
                + " was cancelled; nothing was published.", cause);
    }

    /** A stream failure as the commit reports it: its {@link SinkException} cause if it has one. */
    protected final RuntimeException asSinkException(IOException e) {
        if (e.getCause() instanceof SinkException s) {
            return s;
        }
        if (e instanceof InterruptedIOException) {
            return cancelled(e);
        }
        return new SinkException(null, location, key, sinkName + ": writing \"" + key + "\" failed: "
                + e.getMessage(), e, false);
    }

    /** An {@code IOException} saying the writer was aborted, for a part that can no longer be sent. */
    protected final IOException abortedException() {
        return new IOException("\"" + key + "\" in " + location + " was aborted");
    }

    // ------------------------------------------------------------------ writing (writer thread)

    private void ensureWritable() throws IOException {
        if (writerThread == null) {
            writerThread = Thread.currentThread();
        }
        if (streamClosed) {
            throw new IOException("the stream of \"" + key + "\" in " + location + " is closed");
        }
        State now = state;
        if (now != State.OPEN) {
            if (now == State.ABORTED) {
                releaseBuffer(); // aborted from another thread: this (the writing) thread hands the buffer back
            }
            throw new IOException("\"" + key + "\" in " + location + " was already "
                    + now.name().toLowerCase(Locale.ROOT));
        }
        checkFailure();
    }

    /**
     * Makes room in the buffer: grows the small first buffer on the heap (up to {@link #SMALL_OBJECT}), moves it into
     * a pooled part buffer, or sends the full part and takes the next pooled buffer.
     */
    private void makeRoom() throws IOException {
        int partSize = partSize();
        if (buffer == null) {
            buffer = partsSent == 0 ? ByteBuffer.allocate(Math.min(FIRST_BUFFER, partSize)) : takeBuffer(partSize);
        } else if (buffer.capacity() < partSize) {
            int grown = Math.min(partSize, 2 * buffer.capacity());
            ByteBuffer larger = grown < partSize && grown <= SMALL_OBJECT ? ByteBuffer.allocate(grown)
                    : takeBuffer(partSize);
            larger.put(buffer.flip());
            buffer = larger; // the old one was a heap buffer
        } else {
            sendPart();
            buffer = takeBuffer(partSize());
        }
    }

    /** "No more bytes": sends the last part unless the object is small enough for one request at commit. */
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
        if (partsSent == 0 && count() < SMALL_OBJECT) {
            // Waits for commit in memory; keep only what it needs.
            if (buffer != null && buffer.capacity() - count() > TRIM_SLACK) {
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

    /** The object's stream; see {@link BufferedObjectWriter#stream()}. */
    private final class PartStream extends OutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return;
            }
            ensureWritable();
            written(b, off, len);
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
