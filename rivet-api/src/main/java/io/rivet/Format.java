package io.rivet;

/**
 * The file format an export writes. Immutable values made by {@link #parquet()} and {@link #csv()}; their options
 * return copies.
 */
public interface Format {

    /** The format's name as written in YAML: {@code parquet} or {@code csv}. */
    String name();

    /** The file name extension without the dot: {@code parquet} or {@code csv}. */
    String extension();

    /** Parquet with ZSTD compression and 128 MB row groups. */
    static ParquetFormat parquet() {
        return ParquetFormat.DEFAULT;
    }

    /** RFC 4180 CSV with a header row, where NULL is an empty unquoted field and an empty string is {@code ""}. */
    static CsvFormat csv() {
        return CsvFormat.DEFAULT;
    }
}
