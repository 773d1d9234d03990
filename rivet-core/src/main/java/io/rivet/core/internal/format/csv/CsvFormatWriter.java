package io.rivet.core.internal.format.csv;

import io.rivet.CsvFormat;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * Writes one CSV file (RFC 4180, LF line ends, UTF-8) from Arrow batches, quoting through Commons CSV.
 *
 * <p>NULL policy: NULL is written as {@link CsvFormat#nullString()} without quotes (by default nothing). A value that
 * would look like NULL is always quoted: the empty string becomes {@code ""}, and a value equal to a non-empty null
 * string is quoted too. Other values are quoted only when they must be (delimiter, quote, CR, LF, or leading/trailing
 * characters Commons CSV treats as risky).
 *
 * <p>Each cell is rendered into one reused {@link StringBuilder} and encoded by {@link Utf8Output}, so no String is made
 * per value. The output is buffered (64 KiB) and counted exactly, so {@link #estimatedSize()} includes buffered bytes.
 * Owned by one thread; never closes the stream it writes to.
 */
final class CsvFormatWriter implements FormatWriter {

    private final CSVFormat minimal;
    private final CSVFormat quoted;
    private final String nullString;
    private final Utf8Output out;
    private final CellRenderer[] renderers;
    private final StringBuilder cell = new StringBuilder(64);
    private boolean finished;

    CsvFormatWriter(CsvFormat format, List<Column> columns, OutputStream stream) throws IOException {
        CSVFormat base = CSVFormat.RFC4180.builder()
                .setDelimiter(format.delimiter())
                .setRecordSeparator('\n')
                .setQuote('"')
                .setEscape(null)
                .setNullString(null)
                .get();
        this.minimal = base.builder().setQuoteMode(QuoteMode.MINIMAL).get();
        this.quoted = base.builder().setQuoteMode(QuoteMode.ALL).get();
        this.nullString = format.nullString();
        this.out = new Utf8Output(stream);
        this.renderers = new CellRenderer[columns.size()];
        for (int c = 0; c < renderers.length; c++) {
            renderers[c] = CellRenderer.create(columns.get(c).type());
        }
        if (format.header()) {
            for (int c = 0; c < renderers.length; c++) {
                printValue(columns.get(c).name(), c == 0);
            }
            minimal.println(out);
        }
    }

    @Override
    public void write(Batch batch) throws IOException {
        if (finished) {
            throw new IllegalStateException("the CSV writer is already finished");
        }
        List<FieldVector> vectors = batch.getFieldVectors();
        if (vectors.size() != renderers.length) {
            throw new IllegalArgumentException("batch has " + vectors.size() + " columns but the file has "
                    + renderers.length);
        }
        for (int c = 0; c < renderers.length; c++) {
            renderers[c].bind(vectors.get(c));
        }
        int rows = batch.getRowCount();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < renderers.length; c++) {
                CellRenderer renderer = renderers[c];
                if (renderer.isNull(r)) {
                    printNull(c == 0);
                } else {
                    cell.setLength(0);
                    renderer.render(r, cell);
                    printValue(cell, c == 0);
                }
            }
            minimal.println(out);
        }
    }

    private void printNull(boolean first) throws IOException {
        if (!first) {
            out.append(minimal.getDelimiterString());
        }
        out.append(nullString);
    }

    private void printValue(CharSequence value, boolean first) throws IOException {
        boolean looksNull = value.length() == 0
                || (!nullString.isEmpty() && nullString.contentEquals(value));
        (looksNull ? quoted : minimal).print(value, out, first);
    }

    /** The exact number of bytes written so far, buffered ones included. */
    @Override
    public long estimatedSize() {
        return out.position();
    }

    @Override
    public void finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("the CSV writer is already finished");
        }
        finished = true;
        out.flush();
    }

    /** Nothing to release: the buffers are on the heap and the stream belongs to the engine. */
    @Override
    public void close() {
        finished = true;
    }
}
