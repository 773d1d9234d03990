package io.rivet.core.spi;

import io.rivet.Format;
import io.rivet.Incubating;
import java.io.OutputStream;
import java.util.List;

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
}
