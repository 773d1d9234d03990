package io.rivet.core.spi;

import io.rivet.Incubating;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Encodes Arrow batches into one file. Owned by one writer thread; not thread-safe.
 *
 * <p>The writer reads a batch only during {@link #write} and keeps no reference to it. It writes to the stream it was
 * created with but never closes that stream: the engine owns it (it belongs to a staged sink object).
 */
@Incubating(since = "0.1")
public interface FormatWriter extends AutoCloseable {

    /** Encodes all rows of {@code batch}. */
    void write(Batch batch) throws IOException;

    /** The file's size so far, counting bytes still buffered (e.g. an open Parquet row group), for rolling. */
    long estimatedSize();

    /**
     * Writes what is buffered and the file's footer, and flushes the stream. Call once per file, last. A writer must
     * hold no memory of the allocator it was given after this returns.
     */
    void finish() throws IOException;

    /**
     * Starts another file on {@code out} after {@link #finish()}, with the same format and columns, keeping what the
     * writer can reuse (encoding buffers, dictionaries' arrays): the engine keeps finished writers of a run and reuses
     * them for later files instead of allocating new ones for each. {@code allocator} replaces the allocator the
     * writer was created with (which may be closed by now). Returns {@code false} when the writer cannot do this (the
     * default); the engine then closes it and creates a new one.
     *
     * @throws IOException if the new stream fails
     */
    default boolean restart(OutputStream out, BufferAllocator allocator) throws IOException {
        return false;
    }

    /** Releases buffers; after {@link #finish()} or instead of it when the file is abandoned. Never throws. */
    @Override
    void close();
}
