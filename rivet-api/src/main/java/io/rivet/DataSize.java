package io.rivet;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes, in binary units. Immutable and thread-safe.
 *
 * <p>Rivet takes sizes as {@code DataSize} rather than bare numbers so that the unit is never in doubt.
 * {@link #parse(String)} accepts the forms operators write in YAML: {@code 512}, {@code 64KB}, {@code 128 MB},
 * {@code 1.5GB} (KB, MB, GB and TB are powers of 1024; KiB, MiB, GiB and TiB are accepted as synonyms).
 */
public final class DataSize implements Comparable<DataSize> {
    private static final Pattern FORM =
            Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]I?B|B)?\\s*$", Pattern.CASE_INSENSITIVE);

    private final long bytes;

    private DataSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a data size cannot be negative but was " + bytes + " bytes");
        }
        this.bytes = bytes;
    }

    /** Returns a size of {@code bytes} bytes. @throws IllegalArgumentException if negative */
    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    /** Returns a size of {@code kib} × 1024 bytes. @throws IllegalArgumentException if negative */
    public static DataSize ofKibibytes(long kib) {
        return new DataSize(Math.multiplyExact(kib, 1024L));
    }

    /** Returns a size of {@code mib} × 1024² bytes. @throws IllegalArgumentException if negative */
    public static DataSize ofMebibytes(long mib) {
        return new DataSize(Math.multiplyExact(mib, 1024L * 1024));
    }

    /** Returns a size of {@code gib} × 1024³ bytes. @throws IllegalArgumentException if negative */
    public static DataSize ofGibibytes(long gib) {
        return new DataSize(Math.multiplyExact(gib, 1024L * 1024 * 1024));
    }

    /**
     * Parses a size such as {@code 512MB}, {@code 1.5 GB} or {@code 4096}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms when it cannot be parsed
     */
    public static DataSize parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read \"" + text
                    + "\" as a data size; write a number with an optional unit B, KB, MB, GB or TB, e.g. 256MB");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT).replace("IB", "B");
        long factor = switch (unit) {
            case "B" -> 1L;
            case "KB" -> 1024L;
            case "MB" -> 1024L * 1024;
            case "GB" -> 1024L * 1024 * 1024;
            case "TB" -> 1024L * 1024 * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
        return new DataSize((long) (number * factor));
    }

    /** The number of bytes. */
    public long toBytes() {
        return bytes;
    }

    /** The size in whole mebibytes, rounded down. */
    public long toMebibytes() {
        return bytes / (1024L * 1024);
    }

    @Override
    public int compareTo(DataSize other) {
        return Long.compare(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSize d && d.bytes == bytes;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bytes);
    }

    /** Renders the size in the largest binary unit that keeps it readable, e.g. {@code 64MB} or {@code 1536B}. */
    @Override
    public String toString() {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        long value = bytes;
        int unit = 0;
        while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + units[unit];
    }
}
