package io.rivet.core.internal.format.parquet;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;

/**
 * The stream a Parquet file is written to: buffers small writes (page headers, the indexes, the footer), counts bytes
 * for the offsets the footer records ({@link #getPos()}), copies Arrow buffers out through its buffer, and never
 * closes the underlying stream, which the engine owns: {@link #close()} only flushes. Reused from file to file
 * ({@link #retarget}). Not thread-safe.
 */
final class CountingStream extends OutputStream {

    private static final int BUFFER_SIZE = 64 * 1024;

    private OutputStream out;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int count;
    private long flushed;

    CountingStream(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Starts over on {@code next} (after this stream was flushed), keeping the buffer. */
    void retarget(OutputStream next) {
        if (count != 0) {
            throw new IllegalStateException("retarget needs a flushed stream");
        }
        this.out = Objects.requireNonNull(next, "next");
        this.flushed = 0;
    }

    /** Bytes written to this file so far. */
    long getPos() {
        return flushed + count;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len >= buffer.length) {
            drain();
            out.write(b, off, len);
            flushed += len;
            return;
        }
        if (len > buffer.length - count) {
            drain();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    /** Writes {@code buf}'s bytes from 0 to its writer index. */
    void write(ArrowBuf buf) throws IOException {
        long length = buf.writerIndex();
        long done = 0;
        while (done < length) {
            if (count == buffer.length) {
                drain();
            }
            int n = (int) Math.min(buffer.length - count, length - done);
            buf.getBytes(done, buffer, count, n);
            count += n;
            done += n;
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            flushed += count;
            count = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Flushes; the underlying stream stays open because the engine owns it. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
