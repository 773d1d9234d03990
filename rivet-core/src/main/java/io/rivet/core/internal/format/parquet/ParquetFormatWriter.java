package io.rivet.core.internal.format.parquet;

import io.rivet.Compression;
import io.rivet.ParquetFormat;
import io.rivet.Rivet;
import io.rivet.core.internal.util.JsonText;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one Parquet file from Arrow batches, column by column, with Rivet's own column chunk writers
 * ({@link ColumnChunkWriter}) and file layout.
 *
 * <p>Rivet encodes the pages (levels, PLAIN or dictionary values, page statistics: {@link ColumnChunkWriter}), keeps
 * each row group's compressed pages until the row group is complete ({@link ColumnChunkPages}), and writes the file
 * itself: magic, row groups, column and offset indexes, and the footer, serialised with parquet-format's Thrift
 * classes. parquet-java's {@code ParquetFileWriter} is not used: it copied every page once more, and building its
 * footer initialised a shaded Jackson {@code ObjectMapper} (375 classes) in every process. Neither is its
 * value-at-a-time {@code ColumnWriter} API (a {@code Binary} object per string, a fresh dictionary attempt per row
 * group) nor any Hadoop {@code Configuration}.
 * A batch is written in slices of {@value #SLICE_ROWS} rows: each column's slice in one tight loop; after each slice
 * the row group's buffered size is compared with the row group size and a full row group is flushed to the file.
 *
 * <p>Memory: the compressed pages of the open row group live off the heap in {@code allocator} (a child of the
 * chunk's Arrow allocator, so they count against the engine's memory limit); each column keeps one open page on the
 * heap (at most about 1 MiB), reused from page to page.
 *
 * <p>Settings: the codec of {@link ParquetFormat#compression()}, dictionary encoding where it pays, parquet-java's
 * default page size (1 MiB) and page row limit (20,000), data page v1, statistics, page checksums, column and offset
 * indexes on. The footer carries {@code rivet.schema}: a JSON array of the columns' names, Rivet types and source
 * types; its {@code created_by} names Rivet ({@link #CREATED_BY}).
 *
 * <p>Owned by one thread. It never closes the stream it writes to; {@link #close()} frees its off-heap buffers and
 * native codec memory.
 */
final class ParquetFormatWriter implements FormatWriter {

    /** Rows per slice: large enough for tight loops, small enough to check row group sizes often. */
    static final int SLICE_ROWS = 1024;
    /** Footer key holding the Rivet schema as JSON. */
    static final String SCHEMA_KEY = "rivet.schema";
    /**
     * The footer's {@code created_by}, in the "application version x" form that parquet-java, Arrow and DuckDB parse:
     * an application other than parquet-mr means its binary statistics are trusted.
     */
    static final String CREATED_BY = "rivet-java version " + Rivet.version();
    /** The format version of the footer: 1, as parquet-java writes for data page v1 files. */
    private static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final List<Column> columns;
    private final MessageType schema;
    private final List<SchemaElement> schemaElements;
    private final List<ColumnOrder> columnOrders;
    private final long rowGroupSize;
    private final NoHadoopCodecFactory codecs;
    private final ColumnChunkWriter[] writers;
    private final ColumnChunkPages[] pages;
    private final List<KeyValue> footerMetadata;
    private final BufferAllocator ownAllocator;

    // Per file: see restart().
    private CountingStream stream;
    private BufferAllocator allocator;
    private final List<RowGroup> rowGroups = new ArrayList<>();
    private final List<ColumnChunkPages.WrittenChunk> written = new ArrayList<>();
    private long fileRows;

    private boolean rowGroupOpen;
    private long rowGroupRows;
    private boolean finished;
    private boolean closed;

    /**
     * Starts a file on {@code out}, buffering row groups in {@code allocator} (the writer opens and closes a child of
     * it); {@code null} gives the writer a private allocator.
     */
    ParquetFormatWriter(ParquetFormat format, List<Column> columns, OutputStream out, BufferAllocator allocator)
            throws IOException {
        this.columns = List.copyOf(columns);
        this.schema = ParquetSchemas.messageType(this.columns);
        this.schemaElements = ParquetSchemas.schemaElements(schema);
        this.columnOrders = ParquetSchemas.columnOrders(schema);
        this.rowGroupSize = format.rowGroupSize().toBytes();
        this.ownAllocator = allocator == null ? new RootAllocator() : null;
        this.codecs = new NoHadoopCodecFactory(format.compressionLevel().orElse(0));
        BytesInputCompressor compressor = codecs.getCompressor(codec(format.compression()));
        this.writers = new ColumnChunkWriter[this.columns.size()];
        this.pages = new ColumnChunkPages[writers.length];
        List<ColumnDescriptor> leaves = schema.getColumns();
        // One page assembly buffer for all columns: a page is assembled, compressed and copied out before the next.
        PageBytes page = new PageBytes(64 * 1024);
        for (int i = 0; i < writers.length; i++) {
            // Every Rivet column, list or not, has exactly one leaf column, in the same order.
            writers[i] = ColumnChunkWriter.create(this.columns.get(i).type(), leaves.get(i), page);
            pages[i] = new ColumnChunkPages(leaves.get(i), compressor);
        }
        this.footerMetadata = List.of(new KeyValue(SCHEMA_KEY).setValue(schemaJson(this.columns)));
        try {
            startFile(out, allocator == null ? ownAllocator : allocator);
        } catch (IOException | RuntimeException e) {
            releaseMemory();
            throw e;
        }
    }

    private void startFile(OutputStream out, BufferAllocator parent) throws IOException {
        this.allocator = parent.newChildAllocator("parquet-writer", 0, Long.MAX_VALUE);
        if (stream == null) {
            stream = new CountingStream(out);
        } else {
            stream.retarget(out);
        }
        fileRows = 0;
        finished = false;
        stream.write(MAGIC);
    }

    /**
     * Starts the next file on {@code out}, reusing every column writer's buffers and dictionary decisions (a column
     * found not to pay for a dictionary stays PLAIN in this writer's later files too).
     */
    @Override
    public boolean restart(OutputStream out, BufferAllocator parent) throws IOException {
        if (!finished || closed) {
            throw new IllegalStateException("restart needs a finished, open writer");
        }
        startFile(out, parent == null ? ownAllocator : parent);
        return true;
    }

    static CompressionCodecName codec(Compression compression) {
        return switch (compression) {
            case ZSTD -> CompressionCodecName.ZSTD;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case GZIP -> CompressionCodecName.GZIP;
            case NONE -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    @Override
    public void write(Batch batch) throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("the Parquet writer is already finished or closed");
        }
        List<FieldVector> vectors = batch.getFieldVectors();
        if (vectors.size() != writers.length) {
            throw new IllegalArgumentException("batch has " + vectors.size() + " columns but the file has "
                    + writers.length + " (" + schema.getFields().size() + " Parquet fields)");
        }
        for (int c = 0; c < writers.length; c++) {
            writers[c].bind(vectors.get(c));
        }
        int rows = batch.getRowCount();
        for (int from = 0; from < rows; from += SLICE_ROWS) {
            int to = Math.min(rows, from + SLICE_ROWS);
            if (!rowGroupOpen) {
                startRowGroup();
            }
            for (ColumnChunkWriter w : writers) {
                w.writeRows(from, to);
            }
            rowGroupRows += to - from;
            if (bufferedSize() >= rowGroupSize) {
                flushRowGroup();
            }
        }
    }

    private long bufferedSize() {
        long total = 0;
        for (ColumnChunkWriter w : writers) {
            total += w.bufferedSize();
        }
        return total;
    }

    private void startRowGroup() {
        for (int i = 0; i < writers.length; i++) {
            pages[i].start(allocator);
            writers[i].startChunk(pages[i]);
        }
        rowGroupRows = 0;
        rowGroupOpen = true;
    }

    private void flushRowGroup() throws IOException {
        if (!rowGroupOpen) {
            return;
        }
        try {
            if (rowGroupRows > 0) {
                for (ColumnChunkWriter w : writers) {
                    w.finishChunk();
                }
                List<ColumnChunk> chunks = new ArrayList<>(pages.length);
                long start = stream.getPos();
                long uncompressed = 0;
                for (ColumnChunkPages p : pages) {
                    ColumnChunkPages.WrittenChunk chunk = p.writeTo(stream);
                    chunks.add(chunk.chunk());
                    written.add(chunk);
                    uncompressed += chunk.uncompressedBytes();
                }
                RowGroup group = new RowGroup(chunks, uncompressed, rowGroupRows);
                group.setFile_offset(start);
                group.setTotal_compressed_size(stream.getPos() - start);
                group.setOrdinal((short) rowGroups.size());
                rowGroups.add(group);
                fileRows += rowGroupRows;
            }
        } finally {
            releaseRowGroup();
        }
    }

    /** Drops the open row group and frees its pages. */
    private void releaseRowGroup() {
        rowGroupOpen = false;
        rowGroupRows = 0;
        for (ColumnChunkPages p : pages) {
            p.release();
        }
    }

    /**
     * After the last row group: every chunk's column index, then every chunk's offset index (as parquet-java orders
     * them), each recorded in its chunk's footer entry, then the footer, its length and the closing magic.
     */
    private void writeIndexesAndFooter() throws IOException {
        for (ColumnChunkPages.WrittenChunk chunk : written) {
            if (chunk.columnIndex() != null) {
                long offset = stream.getPos();
                Util.writeColumnIndex(chunk.columnIndex(), stream);
                chunk.chunk().setColumn_index_offset(offset);
                chunk.chunk().setColumn_index_length(Math.toIntExact(stream.getPos() - offset));
            }
        }
        for (ColumnChunkPages.WrittenChunk chunk : written) {
            long offset = stream.getPos();
            Util.writeOffsetIndex(chunk.offsetIndex(), stream);
            chunk.chunk().setOffset_index_offset(offset);
            chunk.chunk().setOffset_index_length(Math.toIntExact(stream.getPos() - offset));
        }
        FileMetaData footer = new FileMetaData(FORMAT_VERSION, schemaElements, fileRows, rowGroups);
        footer.setKey_value_metadata(footerMetadata);
        footer.setCreated_by(CREATED_BY);
        footer.setColumn_orders(columnOrders);
        long footerStart = stream.getPos();
        Util.writeFileMetaData(footer, stream);
        int footerLength = Math.toIntExact(stream.getPos() - footerStart);
        stream.write(footerLength);
        stream.write(footerLength >>> 8);
        stream.write(footerLength >>> 16);
        stream.write(footerLength >>> 24);
        stream.write(MAGIC);
    }

    /** Bytes written to the stream so far plus the open row group's buffered (partly compressed) pages. */
    @Override
    public long estimatedSize() {
        return stream.getPos() + (rowGroupOpen ? bufferedSize() : 0);
    }

    @Override
    public void finish() throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("the Parquet writer is already finished or closed");
        }
        finished = true;
        try {
            flushRowGroup();
            writeIndexesAndFooter();
            stream.flush();
        } finally {
            // Nothing of the caller's allocator outlives the file (the engine closes it with the chunk).
            releaseFileMemory();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            releaseRowGroup();
        } finally {
            releaseMemory();
        }
    }

    private void releaseFileMemory() {
        rowGroups.clear();
        written.clear();
        if (allocator != null) {
            allocator.close();
            allocator = null;
        }
    }

    private void releaseMemory() {
        for (ColumnChunkPages p : pages) {
            if (p != null) {
                p.close();
            }
        }
        codecs.release();
        releaseFileMemory();
        if (ownAllocator != null) {
            ownAllocator.close();
        }
    }

    /** {@code [{"name":..,"type":..,"source_type":..},..]}. */
    private static String schemaJson(List<Column> columns) {
        StringBuilder sb = new StringBuilder("[");
        for (Column c : columns) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"name\":");
            JsonText.appendString(sb, c.name());
            sb.append(",\"type\":");
            JsonText.appendString(sb, c.type().toString());
            sb.append(",\"source_type\":");
            JsonText.appendString(sb, c.sourceTypeName());
            sb.append('}');
        }
        return sb.append(']').toString();
    }
}
