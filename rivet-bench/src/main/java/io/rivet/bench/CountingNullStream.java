package io.rivet.bench;

import java.io.OutputStream;

/** Discards what is written and counts the bytes, so format benchmarks measure encoding, not disks. */
public final class CountingNullStream extends OutputStream {
    private long count;

    @Override
    public void write(int b) {
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        count += len;
    }

    /** Bytes written since the last reset. */
    public long count() {
        return count;
    }

    /** Starts counting from zero. */
    public void reset() {
        count = 0;
    }
}
