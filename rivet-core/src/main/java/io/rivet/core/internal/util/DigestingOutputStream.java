package io.rivet.core.internal.util;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Counts and hashes (SHA-256) the bytes written through it, so a file's size and checksum are known the moment it is
 * finished, without reading it back. Closing it does not close the target: the sink's object writer owns that.
 */
public final class DigestingOutputStream extends FilterOutputStream {
    private final MessageDigest digest = Hex.sha256();
    private long count;

    /** Wraps {@code target}. */
    public DigestingOutputStream(OutputStream target) {
        super(target);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
        count += len;
    }

    /** Bytes written so far. */
    public long count() {
        return count;
    }

    /** The lowercase hex SHA-256 of everything written; call once, at the end. */
    public String sha256() {
        return Hex.of(digest.digest());
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
