package io.rivet;

import java.util.Objects;

/** One published data file of an export run. Immutable. */
public final class OutputFile {
    private final String key;
    private final int chunk;
    private final long rows;
    private final long bytes;
    private final String sha256;

    private OutputFile(String key, int chunk, long rows, long bytes, String sha256) {
        this.key = Objects.requireNonNull(key, "key");
        this.chunk = chunk;
        this.rows = rows;
        this.bytes = bytes;
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
    }

    /** Creates a description of a published file. */
    public static OutputFile of(String key, int chunk, long rows, long bytes, String sha256) {
        return new OutputFile(key, chunk, rows, bytes, sha256);
    }

    /** The object key below the sink's root. */
    public String key() {
        return key;
    }

    /** The chunk that wrote it (0 for unchunked modes). */
    public int chunk() {
        return chunk;
    }

    /** Rows in the file. */
    public long rows() {
        return rows;
    }

    /** The file's size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Lowercase hex SHA-256 of the file's bytes. */
    public String sha256() {
        return sha256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputFile f && f.key.equals(key) && f.chunk == chunk && f.rows == rows
                && f.bytes == bytes && f.sha256.equals(sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, chunk, rows, bytes, sha256);
    }

    @Override
    public String toString() {
        return key + " (" + rows + " rows, " + bytes + " bytes)";
    }
}
