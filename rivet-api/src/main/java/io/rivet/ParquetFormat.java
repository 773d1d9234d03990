package io.rivet;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Parquet output options. Immutable; the {@code with} methods return copies.
 *
 * <p>Every column is written OPTIONAL. Types: integers and floats as themselves; {@code numeric(p,s)} with
 * {@code p <= 38} as DECIMAL(p,s); timestamps as INT64 TIMESTAMP(MICROS) (UTC-adjusted for {@code timestamptz});
 * uuid with the UUID logical type; json and jsonb with the JSON logical type; one-dimensional arrays as LIST.
 */
public final class ParquetFormat implements Format {
    static final ParquetFormat DEFAULT = new ParquetFormat(Compression.ZSTD, 0, DataSize.ofMebibytes(128));

    private final Compression compression;
    /** 0: the codec's default level (see {@link #compressionLevel()}). */
    private final int compressionLevel;
    private final DataSize rowGroupSize;

    private ParquetFormat(Compression compression, int compressionLevel, DataSize rowGroupSize) {
        this.compression = compression;
        this.compressionLevel = compressionLevel;
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

    /**
     * Returns a copy that compresses pages with {@code compression}, keeping an explicit {@link #compressionLevel()}.
     *
     * @throws IllegalArgumentException if an explicit level is set that {@code compression} does not accept
     */
    public ParquetFormat withCompression(Compression compression) {
        Objects.requireNonNull(compression, "compression");
        if (compressionLevel != 0) {
            checkLevel(compression, compressionLevel);
        }
        return new ParquetFormat(compression, compressionLevel, rowGroupSize);
    }

    /**
     * The explicit compression level, or empty for the default: zstd level 3 (parquet-java's and Spark's default),
     * except under the built-in {@link Profile#FAST} profile (and profiles derived from it with
     * {@link Profile#toBuilder()}), where it is level 1, trading about a tenth more bytes for a third less compression
     * time; gzip level 6. Snappy and none take no level.
     */
    public OptionalInt compressionLevel() {
        return compressionLevel == 0 ? OptionalInt.empty() : OptionalInt.of(compressionLevel);
    }

    /**
     * Returns a copy that compresses at {@code level}: 1 to 22 for zstd (higher is smaller and slower), 1 to 9 for
     * gzip. Set the codec first ({@link #withCompression}).
     *
     * @throws IllegalArgumentException if the codec takes no level or {@code level} is outside its range
     */
    public ParquetFormat withCompressionLevel(int level) {
        checkLevel(compression, level);
        return new ParquetFormat(compression, level, rowGroupSize);
    }

    private static void checkLevel(Compression compression, int level) {
        String codec = compression.name().toLowerCase(Locale.ROOT);
        switch (compression) {
            case ZSTD -> {
                if (level < 1 || level > 22) {
                    throw new IllegalArgumentException("compression level " + level
                            + " is out of range for zstd; use 1 (fastest) to 22 (smallest), or leave it unset for 3");
                }
            }
            case GZIP -> {
                if (level < 1 || level > 9) {
                    throw new IllegalArgumentException("compression level " + level
                            + " is out of range for gzip; use 1 (fastest) to 9 (smallest), or leave it unset for 6");
                }
            }
            default -> throw new IllegalArgumentException("compression " + codec
                    + " takes no level; remove the level, or choose zstd or gzip");
        }
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
        return new ParquetFormat(compression, compressionLevel, rowGroupSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParquetFormat p && p.compression == compression && p.compressionLevel == compressionLevel
                && p.rowGroupSize.equals(rowGroupSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(compression, compressionLevel, rowGroupSize);
    }

    @Override
    public String toString() {
        return "parquet(" + compression.name().toLowerCase(Locale.ROOT)
                + (compressionLevel == 0 ? "" : " level " + compressionLevel) + ", rowGroupSize=" + rowGroupSize + ")";
    }
}
