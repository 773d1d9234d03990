package io.rivet.sink.s3.internal;

/**
 * The size of each part of a multipart upload. The sink does not know how large an object will be, so the part size
 * starts small (bounded memory for ordinary files) and doubles every {@value #PARTS_PER_STEP} parts: with the default
 * 5 MiB start, the first 5 GiB go in 5 MiB parts, the next 10 GiB in 10 MiB parts, and so on up to 1 GiB parts (the
 * largest buffer worth holding). S3 allows 10,000 parts of at most 5 GiB; this schedule reaches more than 2 TiB by
 * part 10,000, far beyond any file Rivet writes (files roll at {@code max_file_size}).
 */
public final class PartSizes {
    /** S3's smallest part (all but the last). */
    public static final long MIN_PART = 5L * 1024 * 1024;
    /** The largest part buffer this sink holds: a Java array cannot be much larger, and memory stays bounded. */
    public static final long MAX_PART = 1024L * 1024 * 1024;
    /** S3's limit on parts per upload. */
    public static final int MAX_PARTS = 10_000;
    /** The part size doubles after this many parts. */
    public static final int PARTS_PER_STEP = 1_000;

    private PartSizes() {
    }

    /**
     * The size of part {@code partNumber} (1-based) when the first part has {@code base} bytes.
     *
     * @throws IllegalArgumentException when {@code partNumber} is outside 1..10,000
     */
    public static int size(long base, int partNumber) {
        if (partNumber < 1 || partNumber > MAX_PARTS) {
            throw new IllegalArgumentException("part number must be in 1.." + MAX_PARTS + " but was " + partNumber);
        }
        int doublings = (partNumber - 1) / PARTS_PER_STEP;
        long size = base;
        for (int i = 0; i < doublings && size < MAX_PART; i++) {
            size *= 2;
        }
        return (int) Math.min(size, MAX_PART);
    }

    /** The most bytes an upload can hold with {@code base}-byte first parts. */
    public static long capacity(long base) {
        long total = 0;
        for (int step = 0; step < MAX_PARTS / PARTS_PER_STEP; step++) {
            total += (long) size(base, step * PARTS_PER_STEP + 1) * PARTS_PER_STEP;
        }
        return total;
    }
}
