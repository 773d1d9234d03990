package io.rivet.core.internal.format.parquet;

import io.rivet.Format;
import io.rivet.ParquetFormat;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The built-in {@code parquet} format: creates {@link ParquetFormatWriter}s. Every Rivet column type is writable
 * (decimals up to precision 38, one-dimensional lists), so {@link #check} accepts everything. Stateless and thread-safe;
 * registered in {@code META-INF/services/io.rivet.core.spi.FormatProvider}.
 */
public final class ParquetFormatProvider implements FormatProvider {

    /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
    public ParquetFormatProvider() {
    }

    /** Returns {@code parquet}. */
    @Override
    public String name() {
        return "parquet";
    }

    /**
     * Creates a writer for one Parquet file; it writes the file's magic bytes at once.
     *
     * @throws IllegalArgumentException if {@code format} is not a {@link ParquetFormat}
     * @throws UncheckedIOException if the stream fails
     */
    @Override
    public FormatWriter create(Format format, List<Column> columns, OutputStream out) {
        return create(format, columns, out, null);
    }

    /**
     * Creates a writer for one Parquet file whose open row group is buffered off the heap in {@code allocator} (a
     * private allocator when {@code null}).
     *
     * @throws IllegalArgumentException if {@code format} is not a {@link ParquetFormat}
     * @throws UncheckedIOException if the stream fails
     */
    @Override
    public FormatWriter create(Format format, List<Column> columns, OutputStream out, BufferAllocator allocator) {
        if (!(format instanceof ParquetFormat parquet)) {
            throw new IllegalArgumentException("the parquet provider needs a ParquetFormat but got " + format);
        }
        try {
            return new ParquetFormatWriter(parquet, columns, out, allocator);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a Parquet file: " + e.getMessage(), e);
        }
    }
}
