package io.rivet;

/**
 * Splits a table into ranges of a key column and reads them with parallel workers, each on its own connection in its
 * own short read-only transaction. Immutable; the option methods return copies. Obtain it with
 * {@link Mode#chunked(String)} or {@link Mode#chunked()}.
 *
 * <p>An integer key is split into ranges of {@code chunkSize} key values from its {@code MIN} and {@code MAX}. Any
 * other key (text, date, timestamp, decimal, uuid, or a composite primary key) is split by keyset: the boundaries are
 * read up front, {@code chunkSize} rows apart in key order, and each chunk reads {@code key > previous boundary AND
 * key <= its boundary}. A column holding NULLs is refused, never silently dropped.
 *
 * <p>Every chunk is checkpointed in the {@link io.rivet.state.StateStore}; a failed run resumed with
 * {@code Rivet.resume(...)} continues from the unfinished chunks and overwrites, never duplicates, their files.
 */
public final class ChunkedMode implements Mode {
    /** Rows (key values) per chunk when not set: 100,000. */
    public static final long DEFAULT_CHUNK_SIZE = 100_000;

    private final String column;
    private final long chunkSize;
    private final int parallelism;

    ChunkedMode(String column, long chunkSize, int parallelism) {
        this.column = column;
        this.chunkSize = chunkSize;
        this.parallelism = parallelism;
    }

    @Override
    public String name() {
        return "chunked";
    }

    /** The chunk column, or {@code null} to use the table's primary key (all its columns when composite). */
    public String column() {
        return column;
    }

    /** The width of each chunk's key range for an integer key; the rows per chunk for a keyset-chunked key. */
    public long chunkSize() {
        return chunkSize;
    }

    /**
     * Returns a copy with key ranges {@code chunkSize} wide (default 100,000). Smaller chunks mean shorter source
     * transactions and finer resume; larger ones mean fewer statements.
     *
     * @throws IllegalArgumentException unless {@code chunkSize >= 1}
     */
    public ChunkedMode chunkSize(long chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1 but was " + chunkSize);
        }
        return new ChunkedMode(column, chunkSize, parallelism);
    }

    /** How many chunks are read at once, each on its own connection. */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Returns a copy reading {@code parallelism} chunks at once (default 1). Rivet opens {@code parallelism + 1}
     * connections: one per worker and one for planning. Check the source's connection headroom first.
     *
     * @throws IllegalArgumentException unless {@code parallelism} is in 1..64
     */
    public ChunkedMode parallelism(int parallelism) {
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be in 1..64 but was " + parallelism);
        }
        return new ChunkedMode(column, chunkSize, parallelism);
    }

    @Override
    public String toString() {
        return "chunked(" + (column == null ? "<primary key>" : column) + ", chunkSize=" + chunkSize
                + ", parallelism=" + parallelism + ")";
    }

    static String requireColumn(String column) {
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("a column name is required but was " + (column == null ? "null" : "blank"));
        }
        return column;
    }
}
