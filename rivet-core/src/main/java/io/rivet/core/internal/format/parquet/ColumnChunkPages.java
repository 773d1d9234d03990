package io.rivet.core.internal.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.internal.column.columnindex.ColumnIndexBuilder;
import org.apache.parquet.internal.column.columnindex.OffsetIndexBuilder;

/**
 * The pages of one column chunk of the row group being assembled: each page is compressed and checksummed as it is
 * written, its header serialised in front of it, and the two kept in one Arrow buffer until the row group is written
 * out ({@link #writeTo}), dictionary page first. Alongside, what the footer and the page indexes need: sizes, value
 * counts, encodings, the chunk's statistics, and the column and offset index of its pages.
 *
 * <p>The file layout follows the Parquet format as parquet-java writes it with data page v1, checksums on and the
 * default column index truncation (64 bytes), so a reader sees the same metadata as before Rivet wrote its own
 * framing; parquet-java's builders still compute the statistics, column index and offset index. One instance per
 * column of a {@link ParquetFormatWriter}, reused for every row group of every file it writes. Not thread-safe.
 */
final class ColumnChunkPages implements AutoCloseable {

    /** parquet-java's default truncation of binary min and max values in the column index. */
    static final int COLUMN_INDEX_TRUNCATE_LENGTH = 64;

    /** Converts statistics and indexes to their Thrift form; stateless apart from caches. */
    private static final ParquetMetadataConverter CONVERTER = new ParquetMetadataConverter();

    private final ColumnDescriptor descriptor;
    private final BytesInputCompressor compressor;
    private final CompressionCodec codec;
    private final Type physicalType;
    private final List<String> path;
    private final CRC32 crc = new CRC32();
    /** The page header being serialised. */
    private final PageBytes header = new PageBytes(64);

    // The open chunk.
    private BufferAllocator allocator;
    private final List<ArrowBuf> dataPages = new ArrayList<>();
    private ArrowBuf dictionaryPage;
    private long uncompressedBytes;
    private long compressedBytes;
    private long valueCount;
    private Statistics<?> statistics;
    private SizeStatistics sizeStatistics;
    private ColumnIndexBuilder columnIndex;
    private OffsetIndexBuilder offsetIndex;
    private final Set<Encoding> encodings = EnumSet.noneOf(Encoding.class);
    private Encoding dictionaryEncoding;
    private final EncodingStats.Builder encodingStats = new EncodingStats.Builder();

    ColumnChunkPages(ColumnDescriptor descriptor, BytesInputCompressor compressor) {
        this.descriptor = descriptor;
        this.compressor = compressor;
        this.codec = CompressionCodec.valueOf(compressor.getCodecName().getParquetCompressionCodec().name());
        this.physicalType = ParquetSchemas.physicalType(descriptor.getPrimitiveType().getPrimitiveTypeName());
        this.path = List.of(descriptor.getPath());
    }

    /** Starts an empty chunk whose pages are held in {@code allocator}. */
    void start(BufferAllocator allocator) {
        release();
        this.allocator = allocator;
        uncompressedBytes = 0;
        compressedBytes = 0;
        valueCount = 0;
        statistics = null;
        sizeStatistics = null;
        columnIndex = ColumnIndexBuilder.getBuilder(descriptor.getPrimitiveType(), COLUMN_INDEX_TRUNCATE_LENGTH);
        offsetIndex = OffsetIndexBuilder.getBuilder();
        encodings.clear();
        dictionaryEncoding = null;
        encodingStats.clear();
    }

    /** Bytes held for the open chunk: compressed pages with their headers. */
    long memSize() {
        return compressedBytes;
    }

    /**
     * Compresses and keeps a v1 data page of {@code valueCount} levels for {@code rowCount} rows, its values in
     * {@code valuesEncoding}; {@code statistics} and {@code size} describe the page.
     */
    void writeDataPage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics, SizeStatistics size,
            Encoding repetitionEncoding, Encoding definitionEncoding, Encoding valuesEncoding) throws IOException {
        int uncompressed = Math.toIntExact(bytes.size());
        ByteBuffer compressed = compressor.compress(bytes).toByteBuffer();
        header.reset();
        PageHeaders.dataPage(header, uncompressed, compressed.remaining(), checksum(compressed), valueCount,
                format(valuesEncoding).getValue(), format(definitionEncoding).getValue(),
                format(repetitionEncoding).getValue());
        ArrowBuf buf = keep(uncompressed, compressed);
        dataPages.add(buf);

        this.valueCount += valueCount;
        if (this.statistics == null) {
            this.statistics = statistics.copy();
        } else {
            this.statistics.mergeStatistics(statistics);
        }
        if (sizeStatistics == null) {
            sizeStatistics = size.copy();
        } else {
            sizeStatistics.mergeStatistics(size);
        }
        columnIndex.add(statistics, size);
        offsetIndex.add(Math.toIntExact(buf.writerIndex()), rowCount, size.getUnencodedByteArrayDataBytes());
        encodings.add(repetitionEncoding);
        encodings.add(definitionEncoding);
        encodings.add(valuesEncoding);
        encodingStats.addDataEncoding(valuesEncoding);
    }

    /** Compresses and keeps the chunk's dictionary page: {@code entries} values in {@code encoding}. */
    void writeDictionaryPage(BytesInput bytes, int entries, Encoding encoding) throws IOException {
        if (dictionaryPage != null) {
            throw new IllegalStateException("column " + descriptor + " already has a dictionary page in this chunk");
        }
        int uncompressed = Math.toIntExact(bytes.size());
        ByteBuffer compressed = compressor.compress(bytes).toByteBuffer();
        header.reset();
        PageHeaders.dictionaryPage(header, uncompressed, compressed.remaining(), checksum(compressed), entries,
                format(encoding).getValue());
        dictionaryPage = keep(uncompressed, compressed);
        dictionaryEncoding = encoding;
        encodingStats.addDictEncoding(encoding);
    }

    /**
     * Writes the chunk's pages to {@code out}, dictionary page first, and frees them. Returns the chunk's footer entry
     * and its page indexes, whose offsets the caller fills in when it writes them after the last row group.
     */
    WrittenChunk writeTo(CountingStream out) throws IOException {
        long start = out.getPos();
        Long dictionaryOffset = null;
        if (dictionaryPage != null) {
            dictionaryOffset = start;
            out.write(dictionaryPage);
        }
        long firstDataPage = out.getPos();
        for (ArrowBuf page : dataPages) {
            out.write(page);
        }
        ColumnMetaData meta = new ColumnMetaData(physicalType, formatEncodings(), path, codec, valueCount,
                uncompressedBytes, compressedBytes, firstDataPage);
        if (dictionaryOffset != null) {
            meta.setDictionary_page_offset(dictionaryOffset);
        }
        if (statistics != null && !statistics.isEmpty()) {
            meta.setStatistics(ParquetMetadataConverter.toParquetStatistics(statistics));
        }
        meta.setEncoding_stats(CONVERTER.convertEncodingStats(encodingStats.build()));
        if (sizeStatistics != null && sizeStatistics.isValid()) {
            meta.setSize_statistics(ParquetMetadataConverter.toParquetSizeStatistics(sizeStatistics));
        }
        // file_offset is deprecated; parquet-java writes 0 and so does Rivet.
        ColumnChunk chunk = new ColumnChunk(0);
        chunk.setMeta_data(meta);
        org.apache.parquet.internal.column.columnindex.ColumnIndex index = columnIndex.build();
        ColumnIndex columnIndexEntry = index == null
                ? null : ParquetMetadataConverter.toParquetColumnIndex(descriptor.getPrimitiveType(), index);
        OffsetIndex offsetIndexEntry = ParquetMetadataConverter.toParquetOffsetIndex(offsetIndex.build(firstDataPage));
        release();
        return new WrittenChunk(chunk, uncompressedBytes, columnIndexEntry, offsetIndexEntry);
    }

    /**
     * What {@link #writeTo} wrote: the footer entry, the chunk's uncompressed size with headers (for its row group's
     * total) and its page indexes ({@code columnIndex} is null when parquet-java's builder declines one).
     */
    record WrittenChunk(ColumnChunk chunk, long uncompressedBytes, ColumnIndex columnIndex, OffsetIndex offsetIndex) {
    }

    /** The chunk's encodings as parquet-java lists them: the dictionary page's first, then the others in order. */
    private List<org.apache.parquet.format.Encoding> formatEncodings() {
        List<org.apache.parquet.format.Encoding> list = new ArrayList<>(encodings.size() + 1);
        if (dictionaryEncoding != null) {
            list.add(format(dictionaryEncoding));
        }
        for (Encoding e : encodings) {
            if (e != dictionaryEncoding) {
                list.add(format(e));
            }
        }
        return list;
    }

    private static org.apache.parquet.format.Encoding format(Encoding encoding) {
        return CONVERTER.getEncoding(encoding);
    }

    /** The CRC-32 of a page's compressed bytes, which its header carries. */
    private int checksum(ByteBuffer body) {
        crc.reset();
        crc.update(body.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Copies the serialised {@link #header} and {@code body} into one Arrow buffer and counts both in the chunk's
     * sizes ({@code uncompressed}: the page's size before compression).
     */
    private ArrowBuf keep(int uncompressed, ByteBuffer body) {
        int headerSize = header.size();
        int bodySize = body.remaining();
        ArrowBuf buf = allocator.buffer((long) headerSize + bodySize);
        try {
            buf.setBytes(0, header.array, 0, headerSize);
            buf.setBytes(headerSize, body.duplicate());
        } catch (RuntimeException e) {
            buf.close();
            throw e;
        }
        buf.writerIndex((long) headerSize + bodySize);
        uncompressedBytes += headerSize + uncompressed;
        compressedBytes += headerSize + bodySize;
        return buf;
    }

    /** Frees the open chunk's pages. */
    void release() {
        for (ArrowBuf page : dataPages) {
            page.close();
        }
        dataPages.clear();
        if (dictionaryPage != null) {
            dictionaryPage.close();
            dictionaryPage = null;
        }
    }

    @Override
    public void close() {
        release();
    }
}
