package io.rivet.core.internal.format.csv;

import io.rivet.CsvFormat;
import io.rivet.Format;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The built-in {@code csv} format: creates {@link CsvFormatWriter}s. Every Rivet column type has a text form (lists
 * become JSON arrays), so {@link #check} accepts everything. Stateless and thread-safe; registered in
 * {@code META-INF/services/io.rivet.core.spi.FormatProvider}.
 */
public final class CsvFormatProvider implements FormatProvider {

    /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
    public CsvFormatProvider() {
    }

    /** Returns {@code csv}. */
    @Override
    public String name() {
        return "csv";
    }

    /**
     * Creates a writer for one CSV file; the header row (if any) is buffered at once.
     *
     * @throws IllegalArgumentException if {@code format} is not a {@link CsvFormat}, or if its null string contains the
     *     delimiter, a quote, CR or LF (it is written unquoted, so it would break the row)
     */
    @Override
    public FormatWriter create(Format format, List<Column> columns, OutputStream out) {
        if (!(format instanceof CsvFormat csv)) {
            throw new IllegalArgumentException("the csv provider needs a CsvFormat but got " + format);
        }
        String nullString = csv.nullString();
        if (nullString.indexOf(csv.delimiter()) >= 0 || nullString.indexOf('"') >= 0
                || nullString.indexOf('\r') >= 0 || nullString.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the CSV null string must not contain the delimiter, a quote, CR or LF;"
                    + " choose another one, e.g. \\N");
        }
        try {
            return new CsvFormatWriter(csv, columns, out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a CSV file: " + e.getMessage(), e);
        }
    }
}
