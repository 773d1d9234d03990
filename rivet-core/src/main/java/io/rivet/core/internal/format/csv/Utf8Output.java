package io.rivet.core.internal.format.csv;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An {@link Appendable} that encodes UTF-16 text as UTF-8 into a reused buffer and writes full buffers to a stream.
 * It counts every byte, so {@link #position()} is the exact size of the output so far, flushed or not. Unpaired
 * surrogates become {@code ?}. Never closes the stream. Not thread-safe.
 */
final class Utf8Output implements Appendable {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int count;
    private long drained;
    private char pendingHigh;

    Utf8Output(OutputStream out) {
        this.out = out;
    }

    /** Bytes written so far, including those still buffered. */
    long position() {
        return drained + count + (pendingHigh != 0 ? 1 : 0);
    }

    @Override
    public Appendable append(CharSequence csq) throws IOException {
        return append(csq, 0, csq.length());
    }

    @Override
    public Appendable append(CharSequence csq, int start, int end) throws IOException {
        for (int i = start; i < end; i++) {
            char c = csq.charAt(i);
            if (c < 0x80 && pendingHigh == 0) {
                if (count == buffer.length) {
                    drain();
                }
                buffer[count++] = (byte) c;
            } else {
                append(c);
            }
        }
        return this;
    }

    @Override
    public Appendable append(char c) throws IOException {
        if (buffer.length - count < 4) {
            drain();
        }
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                buffer[count++] = (byte) (0xF0 | (cp >> 18));
                buffer[count++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buffer[count++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buffer[count++] = (byte) (0x80 | (cp & 0x3F));
                return this;
            }
            buffer[count++] = '?';
            return append(c);
        }
        if (c < 0x80) {
            buffer[count++] = (byte) c;
        } else if (c < 0x800) {
            buffer[count++] = (byte) (0xC0 | (c >> 6));
            buffer[count++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            buffer[count++] = '?';
        } else {
            buffer[count++] = (byte) (0xE0 | (c >> 12));
            buffer[count++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            buffer[count++] = (byte) (0x80 | (c & 0x3F));
        }
        return this;
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            drained += count;
            count = 0;
        }
    }

    /** Writes the buffer (and a dangling high surrogate as {@code ?}) and flushes the stream. */
    void flush() throws IOException {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            if (count == buffer.length) {
                drain();
            }
            buffer[count++] = '?';
        }
        drain();
        out.flush();
    }
}
