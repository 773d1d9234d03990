package io.rivet.sink.support;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Reads the bytes between a buffer's position and limit without copying them first. It reads its own view of the
 * buffer, so the buffer's position and limit stay as they were, and several streams (an upload and its retries) can
 * read the same bytes one after the other. Supports {@link #mark(int)}. Not thread-safe.
 */
public final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer view;
    private int mark;

    /**
     * A stream over {@code bytes} from its position to its limit. The bytes must not change while it is read.
     *
     * @param bytes the bytes (heap or direct)
     */
    public ByteBufferInputStream(ByteBuffer bytes) {
        this.view = Objects.requireNonNull(bytes, "bytes").duplicate();
        this.mark = view.position();
    }

    @Override
    public int read() {
        return view.hasRemaining() ? view.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!view.hasRemaining()) {
            return -1;
        }
        int n = Math.min(len, view.remaining());
        view.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) {
        int skipped = (int) Math.max(0, Math.min(n, view.remaining()));
        view.position(view.position() + skipped);
        return skipped;
    }

    @Override
    public int available() {
        return view.remaining();
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public void mark(int readLimit) {
        mark = view.position();
    }

    @Override
    public void reset() {
        view.position(mark);
    }
}
