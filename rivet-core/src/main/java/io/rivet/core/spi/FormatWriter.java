package io.rivet.core.spi;

import io.rivet.Incubating;
import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Encodes Arrow batches into one file. Owned by one writer thread; not thread-safe.
 *
 * <p>The writer reads a batch only during {@link #write} and keeps no reference to it. It writes to the stream it was
 * created with but never closes that stream: the engine owns it (it belongs to a staged sink object).
 */
@Incubating(since = "0.1")
public interface FormatWriter extends AutoCloseable {

    /** Encodes all rows of {@code batch}. */
    void write(VectorSchemaRoot batch) throws IOException;

    /** The file's size so far, counting bytes still buffered (e.g. an open Parquet row group), for rolling. */
    long estimatedSize();

    /** Writes what is buffered and the file's footer, and flushes the stream. Call once, last. */
    void finish() throws IOException;

    /** Releases buffers; after {@link #finish()} or instead of it when the file is abandoned. Never throws. */
    @Override
    void close();
}
