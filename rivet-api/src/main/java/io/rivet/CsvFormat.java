package io.rivet;

import java.util.Objects;

/**
 * CSV output options. Immutable; the {@code with} methods return copies.
 *
 * <p>Files follow RFC 4180 with LF line ends and a header row. NULL and the empty string stay distinguishable: by
 * default NULL is an empty unquoted field and the empty string is written quoted ({@code ""}), which DuckDB, Postgres'
 * {@code COPY ... CSV} and pandas all read back correctly. Values render as: decimals exactly; floats as Java's
 * shortest round-trip form with {@code NaN}, {@code Infinity}, {@code -Infinity}; timestamps in ISO-8601 with
 * microseconds ({@code Z} for UTC-adjusted ones); binary as lowercase hex; uuid hyphenated; arrays as JSON arrays.
 */
public final class CsvFormat implements Format {
    static final CsvFormat DEFAULT = new CsvFormat(',', true, "");

    private final char delimiter;
    private final boolean header;
    private final String nullString;

    private CsvFormat(char delimiter, boolean header, String nullString) {
        this.delimiter = delimiter;
        this.header = header;
        this.nullString = nullString;
    }

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String extension() {
        return "csv";
    }

    /** The field delimiter (default {@code ,}). */
    public char delimiter() {
        return delimiter;
    }

    /**
     * Returns a copy that separates fields with {@code delimiter}.
     *
     * @throws IllegalArgumentException for a quote, CR or LF
     */
    public CsvFormat withDelimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("the CSV delimiter cannot be a quote, CR or LF");
        }
        return new CsvFormat(delimiter, header, nullString);
    }

    /** Whether a header row with the column names is written (default true). */
    public boolean header() {
        return header;
    }

    /** Returns a copy with or without the header row. */
    public CsvFormat withHeader(boolean header) {
        return new CsvFormat(delimiter, header, nullString);
    }

    /** The text written, unquoted, for NULL (default: nothing). */
    public String nullString() {
        return nullString;
    }

    /**
     * Returns a copy that writes {@code nullString} unquoted for NULL, e.g. {@code \N}. Values equal to it are quoted so
     * that they stay distinguishable.
     */
    public CsvFormat withNullString(String nullString) {
        return new CsvFormat(delimiter, header, Objects.requireNonNull(nullString, "nullString"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsvFormat c && c.delimiter == delimiter && c.header == header
                && c.nullString.equals(nullString);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delimiter, header, nullString);
    }

    @Override
    public String toString() {
        return "csv(delimiter='" + delimiter + "', header=" + header + ")";
    }
}
