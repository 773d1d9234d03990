package io.rivet.core.internal.format.parquet;

import io.rivet.Compression;
import io.rivet.ParquetFormat;
import io.rivet.core.spi.Column;
import io.rivet.core.internal.format.JsonText;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one Parquet file from Arrow batches, column by column, straight into parquet-java's column writers.
 *
 * <p>It drives parquet-java's lower layers itself ({@link ParquetFileWriter}, {@link ColumnChunkPageWriteStore} and the
 * {@link ColumnWriteStore} from {@link ParquetProperties}) instead of {@code ParquetWriter} with a {@code WriteSupport}:
 * that skips the per-field {@code RecordConsumer} bookkeeping and any Hadoop {@code Configuration}. A batch is written
 * in slices of {@value #SLICE_ROWS} rows: each column's slice in one tight loop, then the slice's rows are ended in
 * the store, which lets parquet-java cut pages at its usual sizes. After each slice the buffered size is compared with
 * the row group size, and a full row group is flushed to the file.
 *
 * <p>Settings: the codec of {@link ParquetFormat#compression()}, dictionary encoding on, parquet-java's default page
 * size (1 MiB), data page v1, statistics and page checksums on. The footer carries {@code rivet.schema}: a JSON array
 * of the columns' names, Rivet types and source types.
 *
 * <p>Owned by one thread. It never closes the stream it writes to; {@link #close()} releases native codec memory.
 */
final class ParquetFormatWriter implements FormatWriter {

    /** Rows per slice: large enough for tight loops, small enough to check page and row group sizes often. */
    static final int SLICE_ROWS = 1024;
    /** Footer key holding the Rivet schema as JSON. */
    static final String SCHEMA_KEY = "rivet.schema";

    private final List<Column> columns;
    private final MessageType schema;
    private final ParquetProperties props;
    private final long rowGroupSize;
    private final NoHadoopCodecFactory codecs = new NoHadoopCodecFactory();
    private final BytesInputCompressor compressor;
    private final StreamOutputFile.CountingStream stream;
    private final ParquetFileWriter file;
    private final VectorWriter[] writers;
    private final ColumnDescriptor[] descriptors;
    private final Map<String, String> footerMetadata;

    private ColumnChunkPageWriteStore pageStore;
    private ColumnWriteStore columnStore;
    private long rowGroupRows;
    private int rowGroupOrdinal;
    private boolean finished;
    private boolean closed;

    ParquetFormatWriter(ParquetFormat format, List<Column> columns, OutputStream out) throws IOException {
        this.columns = List.copyOf(columns);
        this.schema = ParquetSchemas.messageType(this.columns);
        this.rowGroupSize = format.rowGroupSize().toBytes();
        this.props = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withDictionaryEncoding(true)
                .build();
        this.compressor = codecs.getCompressor(codec(format.compression()));
        this.writers = new VectorWriter[this.columns.size()];
        this.descriptors = new ColumnDescriptor[this.columns.size()];
        List<ColumnDescriptor> leaves = schema.getColumns();
        for (int i = 0; i < writers.length; i++) {
            writers[i] = VectorWriter.create(this.columns.get(i).type(), VectorWriter.TOP_LEVEL_DEF);
            // Every Rivet column, list or not, has exactly one leaf column, in the same order.
            descriptors[i] = leaves.get(i);
        }
        this.footerMetadata = Map.of(SCHEMA_KEY, schemaJson(this.columns));
        StreamOutputFile outputFile = new StreamOutputFile(out);
        this.stream = outputFile.stream();
        try {
            this.file = new ParquetFileWriter(outputFile, schema, ParquetFileWriter.Mode.CREATE, rowGroupSize, 0,
                    null, props);
            file.start();
        } catch (IOException | RuntimeException e) {
            codecs.release();
            throw e;
        }
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
    public void write(VectorSchemaRoot batch) throws IOException {
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
            if (columnStore == null) {
                startRowGroup();
            }
            for (VectorWriter w : writers) {
                w.writeRows(from, to);
            }
            for (int r = from; r < to; r++) {
                columnStore.endRecord();
            }
            rowGroupRows += to - from;
            if (columnStore.getBufferedSize() >= rowGroupSize) {
                flushRowGroup();
            }
        }
    }

    private void startRowGroup() {
        pageStore = ColumnChunkPageWriteStore.builder()
                .withCompressorProvider(d -> compressor)
                .withSchema(schema)
                .withAllocator(props.getAllocator())
                .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
                .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
                .withRowGroupOrdinal(rowGroupOrdinal)
                .build();
        columnStore = props.newColumnWriteStore(schema, pageStore, pageStore);
        for (int c = 0; c < writers.length; c++) {
            writers[c].columnWriter(columnStore.getColumnWriter(descriptors[c]));
        }
        rowGroupRows = 0;
    }

    private void flushRowGroup() throws IOException {
        if (columnStore == null) {
            return;
        }
        try {
            if (rowGroupRows > 0) {
                file.startBlock(rowGroupRows);
                columnStore.flush();
                pageStore.flushToFileWriter(file);
                file.endBlock();
                rowGroupOrdinal++;
            }
            // After flush() this only closes the value writers (as parquet-java's own writer does).
            columnStore.close();
        } finally {
            releaseRowGroup();
        }
    }

    /** Drops the open row group; its buffers are on the heap, so an abandoned one is left to the GC. */
    private void releaseRowGroup() {
        ColumnChunkPageWriteStore pages = pageStore;
        columnStore = null;
        pageStore = null;
        rowGroupRows = 0;
        for (VectorWriter w : writers) {
            w.columnWriter(null);
        }
        if (pages != null) {
            pages.close();
        }
    }

    /** Bytes written to the stream so far plus the open row group's buffered (partly compressed) pages. */
    @Override
    public long estimatedSize() {
        return stream.getPos() + (columnStore == null ? 0 : columnStore.getBufferedSize());
    }

    @Override
    public void finish() throws IOException {
        if (finished || closed) {
            throw new IllegalStateException("the Parquet writer is already finished or closed");
        }
        finished = true;
        flushRowGroup();
        file.end(footerMetadata);
        stream.flush();
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
            codecs.release();
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
