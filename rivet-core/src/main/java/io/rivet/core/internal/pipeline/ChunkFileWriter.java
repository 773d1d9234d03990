package io.rivet.core.internal.pipeline;

import io.rivet.Format;
import io.rivet.Sink;
import io.rivet.core.internal.util.DigestingOutputStream;
import io.rivet.core.internal.verify.UniqueTracker;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.FormatWriter;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * The writer side of one chunk: encodes batches into files named {@code part-<chunk>-<seq>.<ext>}, starting the next
 * file when the current one reaches the size limit, and stages (does not publish) each finished file. Counts rows and
 * NULLs per column for the quality gates. Format writers may buffer in {@code allocator} (the chunk's); finished
 * writers go back to the run's {@code pool} (when given) for later files. Owned by the chunk's writer thread; not
 * thread-safe.
 */
final class ChunkFileWriter implements AutoCloseable {
    private final Sink sink;
    private final String prefix;
    private final int chunk;
    private final FormatProvider formats;
    private final Format format;
    private final List<Column> columns;
    private final long maxFileSize;
    private final List<StagedFile> staged = new ArrayList<>();
    private boolean handedOut;
    private final long[] nullCounts;
    private final UniqueTracker unique;
    private final BufferAllocator allocator;
    private final IdlePool<FormatWriter> pool;

    private ObjectWriter object;
    private DigestingOutputStream stream;
    private FormatWriter writer;
    private long fileRows;
    private long rows;
    private int seq;

    ChunkFileWriter(Sink sink, String prefix, int chunk, FormatProvider formats, Format format, List<Column> columns,
            long maxFileSize, BufferAllocator allocator, IdlePool<FormatWriter> pool, UniqueTracker unique) {
        this.allocator = allocator;
        this.pool = pool;
        this.sink = sink;
        this.prefix = prefix;
        this.chunk = chunk;
        this.formats = formats;
        this.format = format;
        this.columns = columns;
        this.maxFileSize = maxFileSize;
        this.nullCounts = new long[columns.size()];
        this.unique = unique;
    }

    /** The key of a chunk's data file. NOTE: part of the output contract (DESIGN.md section 6). */
    static String fileKey(String prefix, int chunk, int seq, String extension) {
        return String.format("%spart-%05d-%03d.%s", prefix, chunk, seq, extension);
    }

    /** The key prefix of every data file of a chunk. */
    static String chunkPrefix(String prefix, int chunk) {
        return String.format("%spart-%05d-", prefix, chunk);
    }

    /** Encodes a batch (read only during the call). */
    void write(Batch batch) throws IOException {
        int n = batch.getRowCount();
        if (n == 0) {
            return;
        }
        if (writer == null) {
            open();
        }
        writer.write(batch);
        fileRows += n;
        rows += n;
        List<FieldVector> vectors = batch.getFieldVectors();
        for (int i = 0; i < nullCounts.length; i++) {
            nullCounts[i] += vectors.get(i).getNullCount();
        }
        if (unique != null) {
            unique.add(batch);
        }
        if (maxFileSize > 0 && writer.estimatedSize() >= maxFileSize) {
            closeFile();
        }
    }

    /** Writes an empty file carrying the schema (for an empty export that is not skipped). */
    void writeEmptyFile() throws IOException {
        open();
        closeFile();
    }

    /** Finishes the open file and returns every staged file, in order. */
    List<StagedFile> finish() throws IOException {
        if (writer != null) {
            closeFile();
        }
        handedOut = true;
        return List.copyOf(staged);
    }

    /** Rows written. */
    long rows() {
        return rows;
    }

    /** This chunk's unique_columns tracker, or {@code null} when the gate is not set. */
    UniqueTracker unique() {
        return unique;
    }

    /** NULLs seen per column, in column order. */
    long[] nullCounts() {
        return nullCounts.clone();
    }

    private void open() throws IOException {
        String key = fileKey(prefix, chunk, seq++, format.extension());
        object = sink.open(key);
        stream = new DigestingOutputStream(object.stream());
        FormatWriter reused = pool == null ? null : pool.take();
        if (reused != null) {
            boolean restarted = false;
            try {
                restarted = reused.restart(stream, allocator);
            } finally {
                if (!restarted) {
                    reused.close();
                }
            }
            if (restarted) {
                writer = reused;
            }
        }
        if (writer == null) {
            writer = formats.create(format, columns, stream, allocator);
        }
        fileRows = 0;
    }

    private void closeFile() throws IOException {
        writer.finish();
        if (pool != null) {
            pool.give(writer);
        } else {
            writer.close();
        }
        stream.flush();
        // "No more bytes": a cloud sink sends its last part now, so a file waiting for its chunk holds no buffer.
        object.stream().close();
        staged.add(new StagedFile(object, object.key(), fileRows, stream.count(), stream.sha256()));
        writer = null;
        object = null;
        stream = null;
    }

    /**
     * Drops whatever was not handed out by {@link #finish()}: the open file, and the files staged before a failure
     * (their multipart uploads or temp files must not outlive the chunk). After {@code finish()} the staged files are
     * the caller's.
     */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (object != null) {
            object.abort();
        }
        if (!handedOut) {
            staged.forEach(f -> f.object().abort());
        }
    }
}
