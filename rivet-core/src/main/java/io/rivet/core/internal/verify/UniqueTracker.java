package io.rivet.core.internal.verify;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.exception.RivetConfigException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/**
 * The {@code unique_columns} quality gate: counts duplicate non-NULL values per column across every chunk of a run
 * (NULLs are not compared, as SQL UNIQUE does). Each value is reduced to a 64-bit hash kept in a set capped at
 * {@code maxEntries} per column, so memory stays bounded (16 bytes per entry at most); past the cap the column is
 * reported as not fully checked rather than silently passed. A hash collision could report a false duplicate; with
 * 64-bit hashes the odds are about n²/2⁶⁵ (3 in 100 million for a million values).
 *
 * <p>Each chunk collects into its own tracker ({@link #newChunk()}), merged into the run's when the chunk is published,
 * so the values of a failed and retried attempt are never counted twice. Thread-safe.
 */
public final class UniqueTracker {
    /** Distinct values tracked per column by default: 4,000,000 (at most 64 MB per column). */
    public static final int DEFAULT_MAX_ENTRIES = 4_000_000;

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    private final String exportName;
    private final List<Column> columns;
    private final List<String> uniqueColumns;
    private final int maxEntries;
    private final String[] names;
    private final int[] indexes;
    private final LongHashSet[] seen;
    private final long[] duplicates;
    private final boolean[] overflowed;

    /**
     * Tracks {@code uniqueColumns} of a result with {@code columns}.
     *
     * @throws RivetConfigException when a named column does not exist or is a list
     */
    public UniqueTracker(String exportName, List<Column> columns, List<String> uniqueColumns, int maxEntries) {
        this.exportName = exportName;
        this.columns = columns;
        this.uniqueColumns = uniqueColumns;
        this.maxEntries = maxEntries;
        int n = uniqueColumns.size();
        names = new String[n];
        indexes = new int[n];
        seen = new LongHashSet[n];
        duplicates = new long[n];
        overflowed = new boolean[n];
        for (int u = 0; u < n; u++) {
            String wanted = uniqueColumns.get(u);
            int index = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equalsIgnoreCase(wanted)) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new RivetConfigException(exportName, "Export \"" + exportName + "\": quality unique_columns"
                        + " names column \"" + wanted + "\", which the export does not have.", null);
            }
            if (columns.get(index).type().kind() == ColumnType.Kind.LIST) {
                throw new RivetConfigException(exportName, "Export \"" + exportName + "\": quality unique_columns"
                        + " cannot check the array column \"" + wanted + "\"; remove it from unique_columns.", null);
            }
            names[u] = columns.get(index).name();
            indexes[u] = index;
            seen[u] = new LongHashSet(maxEntries);
        }
    }

    /** An empty tracker of the same columns, for one chunk's values. */
    public UniqueTracker newChunk() {
        return new UniqueTracker(exportName, columns, uniqueColumns, maxEntries);
    }

    /** Adds a published chunk's values (and the duplicates found within it) to this run's tracker. */
    public void merge(UniqueTracker chunk) {
        for (int u = 0; u < names.length; u++) {
            LongHashSet target = seen[u];
            synchronized (target) {
                synchronized (chunk.seen[u]) {
                    duplicates[u] += chunk.duplicates[u];
                    if (overflowed[u]) {
                        continue;
                    }
                    overflowed[u] = chunk.overflowed[u];
                    final int column = u;
                    chunk.seen[u].forEach(h -> {
                        int r = target.add(h);
                        if (r == 0) {
                            duplicates[column]++;
                        } else if (r < 0) {
                            overflowed[column] = true;
                        }
                    });
                }
            }
        }
    }

    /** Adds the values of a batch (read only during the call). */
    public void add(Batch batch) {
        int rows = batch.getRowCount();
        List<FieldVector> vectors = batch.getFieldVectors();
        for (int u = 0; u < names.length; u++) {
            FieldVector v = vectors.get(indexes[u]);
            synchronized (seen[u]) {
                if (overflowed[u]) {
                    continue;
                }
                for (int i = 0; i < rows; i++) {
                    if (v.isNull(i)) {
                        continue;
                    }
                    int r = seen[u].add(hash(v, i));
                    if (r == 0) {
                        duplicates[u]++;
                    } else if (r < 0) {
                        overflowed[u] = true;
                        break;
                    }
                }
            }
        }
    }

    /** One sentence per column holding duplicates. */
    public List<String> violations() {
        List<String> out = new ArrayList<>();
        for (int u = 0; u < names.length; u++) {
            if (duplicates[u] > 0) {
                out.add("column " + names[u] + " has " + duplicates[u] + " duplicate value"
                        + (duplicates[u] == 1 ? "" : "s"));
            }
        }
        return out;
    }

    /** One sentence per column that had too many distinct values to check completely. */
    public List<String> incomplete() {
        List<String> out = new ArrayList<>();
        for (int u = 0; u < names.length; u++) {
            if (overflowed[u]) {
                out.add("unique_columns check of " + names[u] + " stopped after " + maxEntries
                        + " distinct values (its memory cap); duplicates beyond them were not looked for");
            }
        }
        return out;
    }

    private static long hash(FieldVector v, int i) {
        if (v instanceof BitVector b) {
            return b.get(i) == 1 ? P1 : P2;
        }
        if (v instanceof BaseVariableWidthVector w) {
            ArrowBuf offsets = w.getOffsetBuffer();
            int start = offsets.getInt((long) i * 4);
            int end = offsets.getInt((long) (i + 1) * 4);
            return bytes(w.getDataBuffer(), start, end - start);
        }
        if (v instanceof BaseFixedWidthVector f) {
            int width = f.getTypeWidth();
            return bytes(f.getDataBuffer(), (long) i * width, width);
        }
        throw new IllegalStateException("unique_columns cannot hash a " + v.getClass().getSimpleName());
    }

    /** A 64-bit hash of {@code length} bytes of {@code buf} from {@code offset}: 8-byte lanes, murmur finaliser. */
    static long bytes(ArrowBuf buf, long offset, int length) {
        long h = P2 ^ (length * P1);
        long p = offset;
        long end = offset + length;
        while (p + 8 <= end) {
            h ^= Long.rotateLeft(buf.getLong(p) * P1, 31) * P2;
            h = Long.rotateLeft(h, 27) * P1 + 0x52DCE729;
            p += 8;
        }
        while (p < end) {
            h ^= (buf.getByte(p) & 0xFFL) * P2;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
