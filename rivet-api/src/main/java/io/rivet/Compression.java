package io.rivet;

import java.util.Locale;

/** Parquet page compression codecs. */
public enum Compression {
    /** Zstandard: the best ratio at good speed; the default. */
    ZSTD,
    /** Snappy: fastest, larger files. */
    SNAPPY,
    /** Gzip (deflate): widely readable, slow. */
    GZIP,
    /** No compression. */
    NONE;

    /**
     * Parses {@code zstd}, {@code snappy}, {@code gzip} or {@code none} (any case; {@code uncompressed} is a synonym
     * of {@code none}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Compression parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "zstd" -> ZSTD;
            case "snappy" -> SNAPPY;
            case "gzip" -> GZIP;
            case "none", "uncompressed" -> NONE;
            default -> throw new IllegalArgumentException(
                    "unknown compression \"" + name + "\"; use one of zstd, snappy, gzip, none");
        };
    }
}
