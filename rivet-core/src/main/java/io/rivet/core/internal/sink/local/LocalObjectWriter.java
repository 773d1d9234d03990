package io.rivet.core.internal.sink.local;

import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object staged in a temp file by {@link LocalSink}. Its stream is owned by one writer thread; {@link #commit()},
 * {@link #abort()} and {@link #close()} are synchronized so that a cancelling thread may abort.
 */
final class LocalObjectWriter implements ObjectWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LocalObjectWriter.class);

    private enum State { OPEN, COMMITTED, ABORTED }

    private final LocalSink sink;
    private final String key;
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final StagedStream stream;
    private State state = State.OPEN; // guarded by this

    LocalObjectWriter(LocalSink sink, String key, Path target, Path temp, FileChannel channel) {
        this.sink = sink;
        this.key = key;
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.stream = new StagedStream(channel, LocalSink.WRITE_BUFFER_BYTES);
    }

    @Override
    public String key() {
        return key;
    }

    /** The buffered stream into the temp file. Closing it flushes but neither publishes nor aborts. */
    @Override
    public OutputStream stream() {
        return stream;
    }

    /**
     * Flushes, fsyncs and closes the temp file, renames it atomically over the final name, and fsyncs the directory.
     *
     * @throws io.rivet.exception.SinkException when any step before the rename fails; the temp file is then deleted
     * @throws IllegalStateException when already committed or aborted
     */
    @Override
    public synchronized void commit() {
        if (state != State.OPEN) {
            throw new IllegalStateException("object \"" + key + "\" in " + sink.location() + " was already "
                    + (state == State.COMMITTED ? "committed" : "aborted"));
        }
        try {
            stream.flushBuffer();
            stream.closed = true;
            channel.force(true);
            channel.close();
            // On one file system ATOMIC_MOVE is rename(2), which replaces an existing file atomically.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            state = State.ABORTED;
            discard();
            throw sink.failure(key, "could not publish " + target, e);
        }
        state = State.COMMITTED;
        syncDirectory(target.getParent());
    }

    @Override
    public synchronized void abort() {
        if (state == State.OPEN) {
            state = State.ABORTED;
            stream.closed = true;
            discard();
        }
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public String toString() {
        return "LocalObjectWriter[" + sink.location() + key + ", " + state + "]";
    }

    private void discard() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing temp file {} failed", temp, e);
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("Could not delete the temp file {}; cleanStaging will remove it", temp, e);
        }
    }

    /** Makes the rename durable: without it a crash may forget the new directory entry. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms (Windows) cannot open or sync a directory; the rename itself has happened.
            LOG.debug("Could not fsync directory {}", dir, e);
        }
    }

    /**
     * A buffered stream over the temp file's channel; not thread-safe, owned by the writer thread. The formats buffer
     * their own output, so this small buffer only gathers small writes; writes of its size or more go straight to the
     * channel.
     */
    static final class StagedStream extends OutputStream {
        private final FileChannel channel;
        private final byte[] buffer;
        private int count;
        boolean closed;

        StagedStream(FileChannel channel, int bufferSize) {
            this.channel = channel;
            this.buffer = new byte[bufferSize];
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            if (count == buffer.length) {
                flushBuffer();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureOpen();
            if (len >= buffer.length) {
                // Large writes skip the copy.
                flushBuffer();
                writeFully(ByteBuffer.wrap(b, off, len));
                return;
            }
            if (len > buffer.length - count) {
                flushBuffer();
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            if (!closed) {
                flushBuffer();
            }
        }

        /** Flushes the buffer; does not publish. Later writes fail. */
        @Override
        public void close() throws IOException {
            if (!closed) {
                flushBuffer();
                closed = true;
            }
        }

        void flushBuffer() throws IOException {
            if (count > 0) {
                writeFully(ByteBuffer.wrap(buffer, 0, count));
                count = 0;
            }
        }

        private void writeFully(ByteBuffer bb) throws IOException {
            while (bb.hasRemaining()) {
                channel.write(bb);
            }
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("the object's stream is closed (committed, aborted or closed)");
            }
        }
    }
}
