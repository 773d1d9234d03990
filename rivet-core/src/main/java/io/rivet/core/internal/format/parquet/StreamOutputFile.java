package io.rivet.core.internal.format.parquet;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over an {@link OutputStream} the engine owns. It buffers small writes (the footer is
 * written in many small pieces), counts bytes for {@link PositionOutputStream#getPos()}, and never closes the underlying
 * stream: closing the position stream only flushes it. One file per instance; not thread-safe.
 */
final class StreamOutputFile implements OutputFile {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final CountingStream stream;
    private boolean created;

    StreamOutputFile(OutputStream out) {
        this.stream = new CountingStream(Objects.requireNonNull(out, "out"));
    }

    /** A file over {@code stream}, which was pointed at the new file's stream (reusing its buffer). */
    StreamOutputFile(CountingStream stream) {
        this.stream = stream;
    }

    /** The stream Parquet writes to; its position is the number of bytes written so far. */
    CountingStream stream() {
        return stream;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        if (created) {
            throw new IllegalStateException("a StreamOutputFile can be written only once");
        }
        created = true;
        return stream;
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return "stream";
    }

    /** Buffers, counts, and shields the underlying stream from {@code close()}. */
    static final class CountingStream extends PositionOutputStream {
        private OutputStream out;
        private final byte[] buffer = new byte[BUFFER_SIZE];
        private int count;
        private long flushed;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        /** Starts over on {@code next} (after this stream was flushed), keeping the buffer. */
        void retarget(OutputStream next) {
            if (count != 0) {
                throw new IllegalStateException("retarget needs a flushed stream");
            }
            this.out = Objects.requireNonNull(next, "next");
            this.flushed = 0;
        }

        @Override
        public long getPos() {
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
}
