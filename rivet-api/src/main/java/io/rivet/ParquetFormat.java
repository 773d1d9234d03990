package io.rivet;

import java.util.Objects;

/**
 * Parquet output options. Immutable; the {@code with} methods return copies.
 *
 * <p>Every column is written OPTIONAL. Types: integers and floats as themselves; {@code numeric(p,s)} with
 * {@code p <= 38} as DECIMAL(p,s); timestamps as INT64 TIMESTAMP(MICROS) (UTC-adjusted for {@code timestamptz});
 * uuid with the UUID logical type; json and jsonb with the JSON logical type; one-dimensional arrays as LIST.
 */
public final class ParquetFormat implements Format {
    static final ParquetFormat DEFAULT = new ParquetFormat(Compression.ZSTD, DataSize.ofMebibytes(128));

    private final Compression compression;
    private final DataSize rowGroupSize;

    private ParquetFormat(Compression compression, DataSize rowGroupSize) {
        this.compression = compression;
        this.rowGroupSize = rowGroupSize;
    }

    @Override
    public String name() {
        return "parquet";
    }

    @Override
    public String extension() {
        return "parquet";
    }

    /** The page compression codec (default {@link Compression#ZSTD}). */
    public Compression compression() {
        return compression;
    }

    /** Returns a copy that compresses pages with {@code compression}. */
    public ParquetFormat withCompression(Compression compression) {
        return new ParquetFormat(Objects.requireNonNull(compression, "compression"), rowGroupSize);
    }

    /**
     * The target size of a row group before compression (default 128 MB). The writer buffers one row group in memory,
     * so this bounds the writer's memory; smaller groups also make {@code maxFileSize} rolling finer.
     */
    public DataSize rowGroupSize() {
        return rowGroupSize;
    }

    /**
     * Returns a copy with row groups of about {@code rowGroupSize} (at least 1 MB).
     *
     * @throws IllegalArgumentException if below 1 MB
     */
    public ParquetFormat withRowGroupSize(DataSize rowGroupSize) {
        Objects.requireNonNull(rowGroupSize, "rowGroupSize");
        if (rowGroupSize.toBytes() < 1024 * 1024) {
            throw new IllegalArgumentException("rowGroupSize must be at least 1MB but was " + rowGroupSize);
        }
        return new ParquetFormat(compression, rowGroupSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParquetFormat p && p.compression == compression && p.rowGroupSize.equals(rowGroupSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(compression, rowGroupSize);
    }

    @Override
    public String toString() {
        return "parquet(" + compression.name().toLowerCase(java.util.Locale.ROOT) + ", rowGroupSize=" + rowGroupSize + ")";
    }
}
