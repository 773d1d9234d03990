package io.rivet.core.internal.distributed;

import java.io.Serializable;
import java.util.List;

/**
 * What an executor published for one chunk: its files, rows, bytes and NULLs per column. A serializable value sent
 * back to the driver, which records it in the ledger. For rivet-spark, not for applications.
 *
 * @param chunk the chunk's index
 * @param files the chunk's published files, in sequence
 * @param rows rows written
 * @param nullCounts NULLs per column, in column order
 * @param throttledNanos pause taken after the chunk, for the throttle
 * @param attempts attempts the executor needed (1 = first try)
 */
public record ChunkResult(int chunk, List<ChunkFile> files, long rows, long[] nullCounts, long throttledNanos,
        int attempts) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Copies the files. */
    public ChunkResult {
        files = List.copyOf(files);
        nullCounts = nullCounts.clone();
    }

    /** The chunk's bytes, over its files. */
    public long bytes() {
        return files.stream().mapToLong(ChunkFile::bytes).sum();
    }

    /**
     * One published data file.
     *
     * @param key its key in the sink
     * @param rows rows in it
     * @param bytes its size
     * @param sha256 its SHA-256, hex
     */
    public record ChunkFile(String key, long rows, long bytes, String sha256) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
