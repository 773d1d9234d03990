package io.rivet.core.spi;

import io.rivet.Format;
import io.rivet.Incubating;
import java.io.OutputStream;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Creates {@link FormatWriter}s for one format; registered in {@code META-INF/services/io.rivet.core.spi.FormatProvider}.
 */
@Incubating(since = "0.1")
public interface FormatProvider {

    /** The format's name: {@code parquet} or {@code csv}, matching {@link Format#name()}. */
    String name();

    /**
     * Checks that every column can be written in this format, before anything is read.
     *
     * @throws io.rivet.exception.ColumnMappingException naming the first column it cannot write
     */
    default void check(List<Column> columns, String exportName) {
    }

    /** Creates a writer for one file with {@code columns}, encoding into {@code out} (which it must not close). */
    FormatWriter create(Format format, List<Column> columns, OutputStream out);

    /**
     * Creates a writer as {@link #create(Format, List, OutputStream)} does, which may take its large buffers (e.g. a
     * Parquet row group) from {@code allocator} instead of the heap, so that they count against the engine's memory
     * limit. The writer must free everything it took by {@link FormatWriter#close()}; it never closes
     * {@code allocator}, which belongs to the engine. The default ignores the allocator.
     */
    default FormatWriter create(Format format, List<Column> columns, OutputStream out, BufferAllocator allocator) {
        return create(format, columns, out);
    }
}
