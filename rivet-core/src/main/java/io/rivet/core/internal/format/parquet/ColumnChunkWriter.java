package io.rivet.core.internal.format.parquet;

import io.rivet.core.internal.util.UncheckedBuffer;
import io.rivet.core.spi.ColumnType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Writes one Parquet column chunk after another from Arrow vectors: definition (and for lists repetition) levels, the
 * values, page statistics, and the v1 data pages and dictionary page handed to {@link ColumnChunkPages} (which
 * compresses, checksums and indexes them). It replaces parquet-java's {@code ColumnWriter}, whose API takes one
 * value per call (a new {@code Binary} object for each string) and whose dictionary attempt restarts on every row
 * group.
 *
 * <p>Pages are cut like parquet-java's defaults: at {@value #PAGE_SIZE} bytes of buffered values or
 * {@value #PAGE_ROW_LIMIT} rows, always on a row boundary.
 *
 * <p>Dictionary encoding where it pays: a chunk starts dictionary-encoded; it falls back to PLAIN for the rest of the
 * chunk when the dictionary passes {@value #MAX_DICTIONARY_BYTES} bytes, or when the first page shows that
 * dictionary plus indices take more than half of what the plain values would (parquet-java falls back only when they
 * are not smaller at all; in between, zstd compresses the plain values as well and hashing costs time), or, earlier,
 * when the first {@value #EARLY_CHECK_VALUES} values are more than 90% distinct (ids, timestamps). Pages already
 * written keep their dictionary encoding and the dictionary page is still written. A column that fell back once
 * stays PLAIN in this writer for good (later row groups, and the later files of a run, which reuses writers), so a
 * high-cardinality column costs a couple of thousand hash lookups per run, not a page per row group.
 *
 * <p>Buffers (levels, values, indices, dictionaries) are reused across pages and chunks; nothing is allocated per
 * value. Owned by one {@link ParquetFormatWriter}; not thread-safe.
 */
abstract class ColumnChunkWriter {

    /** parquet-java's default page size. */
    static final int PAGE_SIZE = 1024 * 1024;
    /** parquet-java's default page row count limit. */
    static final int PAGE_ROW_LIMIT = 20_000;
    /** parquet-java's default dictionary page size, after which the chunk falls back to PLAIN. */
    static final int MAX_DICTIONARY_BYTES = 1024 * 1024;
    /** Values after which a chunk whose values are nearly all distinct drops its dictionary early. */
    private static final int EARLY_CHECK_VALUES = 2048;
    /** Rows per step between page checks. */
    private static final int STEP = 1024;

    final ColumnDescriptor descriptor;
    final PrimitiveType type;
    final boolean list;
    final int maxDef;
    final int maxRep;
    private final boolean dictionaryCapable;

    private ColumnChunkPages pages;
    private final PageBytes page;
    private final PageBytes scratch = new PageBytes(1024);

    // Levels of the open page, one byte each.
    private byte[] defs = new byte[1024];
    private byte[] reps;
    private int levels;
    private int pageRows;
    private int pageNulls;

    // Encoding state.
    /** The open chunk is writing dictionary indices. */
    boolean dictionary;
    /** False once a chunk of this file fell back to PLAIN. */
    private boolean dictionaryPays = true;
    private boolean firstPage;
    private boolean dictionaryPagesWritten;

    // Bound vectors, read unchecked: only the rows of the batch they were bound with are read.
    private final UncheckedBuffer validity = new UncheckedBuffer();
    private final UncheckedBuffer listOffsets = new UncheckedBuffer();
    final UncheckedBuffer valueValidity = new UncheckedBuffer();

    ColumnChunkWriter(ColumnDescriptor descriptor, boolean list, boolean dictionaryCapable, PageBytes page) {
        this.descriptor = descriptor;
        this.type = descriptor.getPrimitiveType();
        this.list = list;
        this.maxDef = descriptor.getMaxDefinitionLevel();
        this.maxRep = descriptor.getMaxRepetitionLevel();
        this.dictionaryCapable = dictionaryCapable;
        this.page = page;
        if (list) {
            reps = new byte[1024];
        }
    }

    /** Creates the writer of a column of {@code type} (a list's element type for lists). */
    static ColumnChunkWriter create(ColumnType type, ColumnDescriptor descriptor, PageBytes page) {
        boolean list = type.kind() == ColumnType.Kind.LIST;
        ColumnType t = list ? type.element() : type;
        return switch (t.kind()) {
            case BOOLEAN -> new BooleanColumnWriter(descriptor, list, page);
            case INT16 -> new LongColumnWriter(descriptor, list, page, LongColumnWriter.SOURCE_I16);
            case INT32, DATE -> new LongColumnWriter(descriptor, list, page, LongColumnWriter.SOURCE_I32);
            case FLOAT32 -> new LongColumnWriter(descriptor, list, page, LongColumnWriter.SOURCE_I32);
            case INT64, TIME_MICROS, TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC, FLOAT64 ->
                new LongColumnWriter(descriptor, list, page, LongColumnWriter.SOURCE_I64);
            case DECIMAL -> t.precision() <= 9
                    ? new LongColumnWriter(descriptor, list, page, LongColumnWriter.SOURCE_DEC_LOW32)
                    : t.precision() <= 18
                    ? new LongColumnWriter(descriptor, list, page, LongColumnWriter.SOURCE_DEC_LOW64)
                    : new BytesColumnWriter(descriptor, list, page, BytesColumnWriter.SOURCE_DECIMAL,
                            ParquetSchemas.decimalBytes(t.precision()));
            case STRING, JSON, BINARY -> new BytesColumnWriter(descriptor, list, page,
                    BytesColumnWriter.SOURCE_VAR, 0);
            case UUID -> new BytesColumnWriter(descriptor, list, page, BytesColumnWriter.SOURCE_FIXED, 16);
            case LIST -> throw new IllegalArgumentException("nested lists are not supported");
        };
    }

    // ------------------------------------------------------------------ values, by subclass

    /** Points the value side at the vector holding the values (the column's, or a list's element vector). */
    abstract void bindValues(FieldVector values);

    /** Appends the non-null values at {@code [from, to)} of the bound value vector; {@code allValid} skips checks. */
    abstract void addValues(int from, int to, boolean allValid);

    /** Non-null values buffered in the open page. */
    abstract int pageValueCount();

    /** Bytes the open page's values take as buffered (plain bytes, or 4 per dictionary index). */
    abstract long pageValueBytes();

    /** Bytes of the chunk's dictionary so far, as its dictionary page will hold them (0 without one). */
    abstract long dictionaryBytes();

    /** Entries in the chunk's dictionary (0 without one). */
    abstract int dictionaryEntries();

    /** Bytes the open page's values would take PLAIN-encoded. */
    abstract long plainValueBytes();

    /** Turns the open page's buffered indices into plain values and leaves dictionary mode. */
    abstract void fallBackToPlain();

    /** The open page's values, PLAIN-encoded (valid until the page is reset). */
    abstract PageBytes plainValues();

    /** Writes the open page's dictionary indices (bit width byte, then RLE/bit-packed) into {@code out}. */
    abstract void writeDictionaryIndices(PageBytes out);

    /** The dictionary's values, PLAIN-encoded, into {@code out}; returns the number of entries. */
    abstract int writeDictionary(PageBytes out);

    /** Statistics of the open page's values, with {@code nulls} nulls. */
    abstract Statistics<?> pageStatistics(long nulls);

    /** Total bytes of the open page's BYTE_ARRAY values (for size statistics), 0 for other types. */
    long pageUnencodedBytes() {
        return 0;
    }

    /** Forgets the open page's values and statistics. */
    abstract void resetPageValues();

    /** Forgets the dictionary (at the start of a chunk). */
    abstract void clearDictionary();

    // ------------------------------------------------------------------ row groups and batches

    /** Starts a chunk in a new row group, writing its pages to {@code pages}. */
    final void startChunk(ColumnChunkPages pages) {
        this.pages = pages;
        dictionary = dictionaryCapable && dictionaryPays;
        dictionaryPagesWritten = false;
        firstPage = true;
        clearDictionary();
    }

    /** Points the writer at {@code vector} for one batch. */
    final void bind(FieldVector vector) {
        validity.bind(vector.getValidityBuffer());
        if (list) {
            ListVector l = (ListVector) vector;
            listOffsets.bind(l.getOffsetBuffer());
            FieldVector values = l.getDataVector();
            valueValidity.bind(values.getValidityBuffer());
            bindValues(values);
        } else {
            valueValidity.bind(vector.getValidityBuffer());
            bindValues(vector);
        }
    }

    /** Writes rows {@code [from, to)} of the bound vector, cutting pages as they fill. */
    final void writeRows(int from, int to) throws IOException {
        int i = from;
        while (i < to) {
            int n = Math.min(Math.min(to - i, STEP), PAGE_ROW_LIMIT - pageRows);
            if (list) {
                listRows(i, i + n);
            } else {
                topLevelRows(i, i + n);
            }
            pageRows += n;
            i += n;
            if (dictionary && (dictionaryBytes() > MAX_DICTIONARY_BYTES || firstPage && nearlyUnique())) {
                abandonDictionary();
            }
            if (pageRows >= PAGE_ROW_LIMIT || pageValueBytes() + levels >= PAGE_SIZE) {
                writePage();
            }
        }
    }

    private void topLevelRows(int from, int to) {
        int n = to - from;
        ensureLevels(n);
        int nulls = 0;
        byte[] d = defs;
        int p = levels;
        UncheckedBuffer v = validity;
        int r = from;
        while (r < to) {
            if ((r & 63) == 0 && r + 64 <= to) {
                // 64 validity bits at once; a full word (no NULLs) is the common case.
                long word = v.getLong(r >>> 3);
                if (word == -1L) {
                    Arrays.fill(d, p, p + 64, (byte) 1);
                } else {
                    for (int k = 0; k < 64; k++) {
                        d[p + k] = (byte) ((word >>> k) & 1);
                    }
                    nulls += 64 - Long.bitCount(word);
                }
                p += 64;
                r += 64;
            } else {
                int valid = v.bit(r);
                d[p++] = (byte) valid;
                nulls += valid ^ 1;
                r++;
            }
        }
        levels = p;
        pageNulls += nulls;
        if (nulls < n) {
            addValues(from, to, nulls == 0);
        }
    }

    private void listRows(int from, int to) {
        for (int r = from; r < to; r++) {
            if (validity.bit(r) == 0) {
                level(0, 0);
                continue;
            }
            int start = listOffsets.getInt((long) r << 2);
            int end = listOffsets.getInt(((long) r + 1) << 2);
            if (start == end) {
                level(0, 1);
                continue;
            }
            ensureLevels(end - start);
            boolean anyValid = false;
            for (int j = start; j < end; j++) {
                boolean valid = valueValidity.bit(j) != 0;
                anyValid |= valid;
                level(j == start ? 0 : 1, valid ? 3 : 2);
            }
            if (anyValid) {
                addValues(start, end, false);
            }
        }
    }

    private void level(int rep, int def) {
        ensureLevels(1);
        reps[levels] = (byte) rep;
        defs[levels++] = (byte) def;
        if (def < maxDef) {
            pageNulls++;
        }
    }

    private void ensureLevels(int n) {
        if (defs.length - levels < n) {
            int size = Math.max(levels + n, defs.length * 2);
            defs = Arrays.copyOf(defs, size);
            if (reps != null) {
                reps = Arrays.copyOf(reps, size);
            }
        }
    }

    /**
     * Whether the first values of the chunk are (nearly) all different, so that the dictionary cannot pay: then it is
     * dropped before the first page ends instead of after, which saves hashing a page of, e.g., ids or timestamps.
     */
    private boolean nearlyUnique() {
        int values = pageValueCount();
        return values >= EARLY_CHECK_VALUES && dictionaryEntries() * 10L > values * 9L;
    }

    /** What the open row group holds for this column: pages written, the open page, the dictionary. */
    final long bufferedSize() {
        return pages.memSize() + pageValueBytes() + levels + dictionaryBytes();
    }

    /** Writes the open page and the dictionary page; the chunk is then complete in the page store. */
    final void finishChunk() throws IOException {
        if (levels > 0) {
            writePage();
        }
        if (dictionaryPagesWritten) {
            scratch.reset();
            int entries = writeDictionary(scratch);
            pages.writeDictionaryPage(scratch.asInput(), entries, Encoding.PLAIN_DICTIONARY);
        }
        pages = null;
    }

    // ------------------------------------------------------------------ pages

    private void writePage() throws IOException {
        page.reset();
        if (maxRep > 0) {
            writeLevels(reps, maxRep);
        }
        writeLevels(defs, maxDef);
        Encoding encoding;
        BytesInput bytes;
        if (dictionary) {
            if (dictionaryBytes() > MAX_DICTIONARY_BYTES) {
                abandonDictionary();
            } else {
                int mark = page.size();
                writeDictionaryIndices(page);
                if (firstPage && pageValueCount() > 0
                        && 2 * (page.size() - mark + dictionaryBytes()) >= plainValueBytes()) {
                    // The dictionary must at least halve the first page; below that zstd does as well on plain
                    // values (measured: smaller files, and no hashing).
                    page.size = mark;
                    abandonDictionary();
                }
            }
        }
        if (dictionary) {
            encoding = Encoding.PLAIN_DICTIONARY;
            dictionaryPagesWritten = true;
            bytes = page.asInput();
        } else {
            // Levels, then the values where they already are: no copy into the page buffer.
            encoding = Encoding.PLAIN;
            bytes = BytesInput.concat(page.asInput(), plainValues().asInput());
        }
        Statistics<?> statistics = pageStatistics(pageNulls);
        pages.writeDataPage(bytes, levels, pageRows, statistics, sizeStatistics(),
                maxRep > 0 ? Encoding.RLE : Encoding.BIT_PACKED, Encoding.RLE, encoding);
        firstPage &= pageValueCount() == 0;
        levels = 0;
        pageRows = 0;
        pageNulls = 0;
        resetPageValues();
    }

    /** Leaves dictionary mode for the rest of this chunk and file. */
    final void abandonDictionary() {
        fallBackToPlain();
        dictionary = false;
        dictionaryPays = false;
    }

    private void writeLevels(byte[] values, int maxLevel) {
        // v1 data pages prefix each level section with its length in 4 bytes.
        int lengthAt = page.size();
        page.writeIntLE(0);
        int bitWidth = RleEncoder.bitWidth(maxLevel);
        if (pageNulls == 0 && !list) {
            RleEncoder.rleRun(maxLevel, levels, bitWidth, page);
        } else {
            RleEncoder.encode(values, levels, bitWidth, page);
        }
        PageBytes.putIntLE(page.array, lengthAt, page.size() - lengthAt - 4);
    }

    private SizeStatistics sizeStatistics() {
        List<Long> repHistogram = new ArrayList<>(maxRep > 0 ? maxRep + 1 : 0);
        List<Long> defHistogram = new ArrayList<>(maxDef > 1 ? maxDef + 1 : 0);
        if (maxRep > 0) {
            long[] h = new long[maxRep + 1];
            for (int i = 0; i < levels; i++) {
                h[reps[i]]++;
            }
            for (long c : h) {
                repHistogram.add(c);
            }
        }
        if (maxDef > 1) {
            long[] h = new long[maxDef + 1];
            for (int i = 0; i < levels; i++) {
                h[defs[i]]++;
            }
            for (long c : h) {
                defHistogram.add(c);
            }
        }
        return new SizeStatistics(type, pageUnencodedBytes(), repHistogram, defHistogram);
    }
}
