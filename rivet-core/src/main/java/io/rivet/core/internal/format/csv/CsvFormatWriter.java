package io.rivet.core.internal.format.csv;

import io.rivet.CsvFormat;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * Writes one CSV file (RFC 4180, LF line ends, UTF-8) from Arrow batches, quoting as Commons CSV's {@code MINIMAL}
 * mode does.
 *
 * <p>NULL policy: NULL is written as {@link CsvFormat#nullString()} without quotes (by default nothing). A value that
 * would look like NULL is always quoted: the empty string becomes {@code ""}, and a value equal to a non-empty null
 * string is quoted too. Other values are quoted only when they must be (delimiter, quote, CR, LF, or leading/trailing
 * characters Commons CSV treats as risky: a first character at or below {@code #}, a last one at or below space). A
 * quote inside a quoted value is doubled. The rules are Commons CSV 1.14's, written out here because its printer
 * copies the delimiter into a new array for every value (about 100 bytes of garbage a row on a five-column table);
 * CsvFormatWriterTest compares both on random text.
 *
 * <p>Each cell is rendered into one reused {@link StringBuilder} and encoded by {@link Utf8Output}, so no String is made
 * per value. The output is buffered (64 KiB) and counted exactly, so {@link #estimatedSize()} includes buffered bytes.
 * Owned by one thread; never closes the stream it writes to.
 */
final class CsvFormatWriter implements FormatWriter {

    private static final char QUOTE = '"';

    private final char delimiter;
    private final String nullString;
    private final Utf8Output out;
    private final CellRenderer[] renderers;
    private final StringBuilder cell = new StringBuilder(64);
    private boolean finished;

    CsvFormatWriter(CsvFormat format, List<Column> columns, OutputStream stream) throws IOException {
        this.delimiter = format.delimiter();
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
            out.append('\n');
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
            out.append('\n');
        }
    }

    private void printNull(boolean first) throws IOException {
        if (!first) {
            out.append(delimiter);
        }
        out.append(nullString);
    }

    private void printValue(CharSequence value, boolean first) throws IOException {
        if (!first) {
            out.append(delimiter);
        }
        boolean looksNull = value.length() == 0
                || (!nullString.isEmpty() && nullString.contentEquals(value));
        appendCell(out, value, delimiter, looksNull);
    }

    /** Appends {@code value}, quoted when {@code forceQuotes} or when {@link #needsQuotes} says so. */
    static void appendCell(Appendable out, CharSequence value, char delimiter, boolean forceQuotes)
            throws IOException {
        if (!forceQuotes && !needsQuotes(value, delimiter)) {
            out.append(value);
            return;
        }
        out.append(QUOTE);
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == QUOTE) {
                out.append(value, start, i + 1);
                start = i;
            }
        }
        out.append(value, start, value.length());
        out.append(QUOTE);
    }

    /** Commons CSV's {@code MINIMAL} test; an empty value is always quoted, as it would otherwise read as NULL. */
    static boolean needsQuotes(CharSequence value, char delimiter) {
        int len = value.length();
        if (len == 0) {
            return true;
        }
        if (value.charAt(0) <= '#' || value.charAt(len - 1) <= ' ') {
            return true;
        }
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == QUOTE || c == delimiter) {
                return true;
            }
        }
        return false;
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
