package io.rivet.core.internal.format.parquet;

import io.rivet.Compression;
import io.rivet.ParquetFormat;
import io.rivet.core.internal.util.JsonText;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one Parquet file from Arrow batches, column by column, with Rivet's own column chunk writers
 * ({@link ColumnChunkWriter}) over parquet-java's page store and file writer.
 *
 * <p>parquet-java does the file layout and footer ({@link ParquetFileWriter}) and, per row group, compresses, checksums
 * and indexes the pages ({@link ColumnChunkPageWriteStore}); Rivet encodes the pages itself: levels, PLAIN or
 * dictionary values, page statistics. That skips parquet-java's value-at-a-time {@code ColumnWriter} API (a
 * {@code Binary} object per string, a fresh dictionary attempt per row group) and any Hadoop {@code Configuration}.
 * A batch is written in slices of {@value #SLICE_ROWS} rows: each column's slice in one tight loop; after each slice
 * the row group's buffered size is compared with the row group size and a full row group is flushed to the file.
 *
 * <p>Memory: the compressed pages of the open row group live off the heap in {@code allocator} (a child of the
 * chunk's Arrow allocator, so they count against the engine's memory limit); each column keeps one open page on the
 * heap (at most about 1 MiB), reused from page to page.
 *
 * <p>Settings: the codec of {@link ParquetFormat#compression()}, dictionary encoding where it pays, parquet-java's
 * default page size (1 MiB) and page row limit (20,000), data page v1, statistics and page checksums on. The footer
 * carries {@code rivet.schema}: a JSON array of the columns' names, Rivet types and source types.
 *
 * <p>Owned by one thread. It never closes the stream it writes to; {@link #close()} frees its off-heap buffers and
 * native codec memory.
 */
final class ParquetFormatWriter implements FormatWriter {

    /** Rows per slice: large enough for tight loops, small enough to check row group sizes often. */
    static final int SLICE_ROWS = 1024;
    /** Footer key holding the Rivet schema as JSON. */
    static final String SCHEMA_KEY = "rivet.schema";

    private final List<Column> columns;
    private final MessageType schema;
    private final ParquetProperties props;
    private final long rowGroupSize;
    private final NoHadoopCodecFactory codecs;
    private final BytesInputCompressor compressor;
    private final ColumnChunkWriter[] writers;
    private final Map<String, String> footerMetadata;
    private final BufferAllocator ownAllocator;

    // Per file: see restart().
    private StreamOutputFile.CountingStream stream;
    private ParquetFileWriter file;
    private BufferAllocator allocator;
    private ArrowByteBufferAllocator pageMemory;

    private ColumnChunkPageWriteStore pageStore;
    private long rowGroupRows;
    private int rowGroupOrdinal;
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
        this.rowGroupSize = format.rowGroupSize().toBytes();
        this.props = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withDictionaryEncoding(true)
                .build();
        this.ownAllocator = allocator == null ? new RootAllocator() : null;
        this.codecs = new NoHadoopCodecFactory(format.compressionLevel().orElse(0));
        this.compressor = codecs.getCompressor(codec(format.compression()));
        this.writers = new ColumnChunkWriter[this.columns.size()];
        List<ColumnDescriptor> leaves = schema.getColumns();
        // One page assembly buffer for all columns: a page is assembled, compressed and copied out before the next.
        PageBytes page = new PageBytes(64 * 1024);
        for (int i = 0; i < writers.length; i++) {
            // Every Rivet column, list or not, has exactly one leaf column, in the same order.
            writers[i] = ColumnChunkWriter.create(this.columns.get(i).type(), leaves.get(i), page);
        }
        this.footerMetadata = Map.of(SCHEMA_KEY, schemaJson(this.columns));
        try {
            startFile(out, allocator == null ? ownAllocator : allocator);
        } catch (IOException | RuntimeException e) {
            releaseMemory();
            throw e;
        }
    }

    private void startFile(OutputStream out, BufferAllocator parent) throws IOException {
        this.allocator = parent.newChildAllocator("parquet-writer", 0, Long.MAX_VALUE);
        this.pageMemory = new ArrowByteBufferAllocator(this.allocator);
        StreamOutputFile outputFile;
        if (stream == null) {
            outputFile = new StreamOutputFile(out);
        } else {
            stream.retarget(out);
            outputFile = new StreamOutputFile(stream);
        }
        this.stream = outputFile.stream();
        this.file = new ParquetFileWriter(outputFile, schema, ParquetFileWriter.Mode.CREATE, rowGroupSize, 0, null,
                props);
        file.start();
        rowGroupOrdinal = 0;
        finished = false;
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
            if (pageStore == null) {
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
        pageStore = ColumnChunkPageWriteStore.builder()
                .withCompressorProvider(d -> compressor)
                .withSchema(schema)
                .withAllocator(pageMemory)
                .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
                .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
                .withRowGroupOrdinal(rowGroupOrdinal)
                .build();
        for (ColumnChunkWriter w : writers) {
            w.startChunk(pageStore.getPageWriter(w.descriptor));
        }
        rowGroupRows = 0;
    }

    private void flushRowGroup() throws IOException {
        if (pageStore == null) {
            return;
        }
        try {
            if (rowGroupRows > 0) {
                for (ColumnChunkWriter w : writers) {
                    w.finishChunk();
                }
                file.startBlock(rowGroupRows);
                pageStore.flushToFileWriter(file);
                file.endBlock();
                rowGroupOrdinal++;
            }
        } finally {
            releaseRowGroup();
        }
    }

    /** Drops the open row group and frees its pages. */
    private void releaseRowGroup() {
        ColumnChunkPageWriteStore pages = pageStore;
        pageStore = null;
        rowGroupRows = 0;
        if (pages != null) {
            pages.close();
        }
    }

    /** Bytes written to the stream so far plus the open row group's buffered (partly compressed) pages. */
    @Override
    public long estimatedSize() {
        return stream.getPos() + (pageStore == null ? 0 : bufferedSize());
    }

    @Override
    public void finish() throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("the Parquet writer is already finished or closed");
        }
        finished = true;
        try {
            flushRowGroup();
            file.end(footerMetadata);
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
            if (!finished) {
                file.abort();
            }
            releaseRowGroup();
            file.close();
        } catch (IOException | RuntimeException e) {
            // Abandoning a file must not hide the error that made the engine abandon it.
        } finally {
            releaseMemory();
        }
    }

    private void releaseFileMemory() {
        if (pageMemory != null) {
            pageMemory.close();
            pageMemory = null;
        }
        if (allocator != null) {
            allocator.close();
            allocator = null;
        }
    }

    private void releaseMemory() {
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
