package io.rivet.core.internal.format.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.DataSize;
import io.rivet.Format;
import io.rivet.Rivet;
import io.rivet.core.internal.format.TestBatches;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.FormatWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.parquet.CorruptStatistics;
import org.apache.parquet.VersionParser;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageLocation;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rivet's own Parquet file layout, walked byte by byte with parquet-format's Thrift reader (values and statistics are
 * read back through DuckDB in {@link ParquetFormatWriterTest} and {@link ColumnChunkWriterTest}): every page sits
 * where the footer and the offset index say, carries a correct checksum, and is counted in the column index; row
 * group and file totals add up; {@code created_by} is one that parquet-java trusts.
 */
class ParquetFileLayoutTest {

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.INT64, "int8"),
            new Column("status", ColumnType.STRING, "text"),
            new Column("note", ColumnType.STRING, "text"),
            new Column("tags", ColumnType.list(ColumnType.STRING), "_text"));

    @TempDir
    Path dir;

    @Test
    void everyPage_isWhereTheFooterAndOffsetIndexSay_withItsChecksum() throws Exception {
        int rowsPerBatch = 40_000;
        int batches = 3;
        Path file = write(rowsPerBatch, batches);
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(MAGIC, Arrays.copyOfRange(bytes, 0, 4));
        assertArrayEquals(MAGIC, Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length));
        FileMetaData footer = footer(bytes);

        assertTrue(footer.getRow_groups().size() > 1, "1 MiB row groups: " + footer.getRow_groups().size());
        long rows = 0;
        long expectedStart = 4;
        for (int g = 0; g < footer.getRow_groups().size(); g++) {
            RowGroup group = footer.getRow_groups().get(g);
            assertEquals(g, group.getOrdinal());
            assertEquals(expectedStart, group.getFile_offset(), "row group " + g + " starts after the previous one");
            long compressed = 0;
            long uncompressed = 0;
            long chunkStart = group.getFile_offset();
            for (ColumnChunk chunk : group.getColumns()) {
                ColumnMetaData meta = chunk.getMeta_data();
                String where = "row group " + g + ", column " + meta.getPath_in_schema();
                long first = meta.isSetDictionary_page_offset() ? meta.getDictionary_page_offset()
                        : meta.getData_page_offset();
                assertEquals(chunkStart, first, where + " follows the previous chunk");
                walkPages(bytes, chunk, group.getNum_rows(), where);
                compressed += meta.getTotal_compressed_size();
                uncompressed += meta.getTotal_uncompressed_size();
                chunkStart = first + meta.getTotal_compressed_size();
            }
            assertEquals(compressed, group.getTotal_compressed_size());
            assertEquals(uncompressed, group.getTotal_byte_size());
            expectedStart = chunkStart;
            rows += group.getNum_rows();
        }
        assertEquals((long) rowsPerBatch * batches, rows);
        assertEquals(rows, footer.getNum_rows());
        assertEquals(ParquetFormatWriter.SCHEMA_KEY, footer.getKey_value_metadata().get(0).getKey());
        assertEquals(COLUMNS.size(), footer.getColumn_orders().size());
    }

    /** Reads the chunk's pages one header at a time and checks them against its offset index and column index. */
    private static void walkPages(byte[] bytes, ColumnChunk chunk, long groupRows, String where) throws IOException {
        ColumnMetaData meta = chunk.getMeta_data();
        OffsetIndex offsets = Util.readOffsetIndex(new ByteArrayInputStream(bytes,
                (int) chunk.getOffset_index_offset(), chunk.getOffset_index_length()));
        ColumnIndex index = Util.readColumnIndex(new ByteArrayInputStream(bytes,
                (int) chunk.getColumn_index_offset(), chunk.getColumn_index_length()));
        long pos = meta.isSetDictionary_page_offset() ? meta.getDictionary_page_offset() : meta.getData_page_offset();
        long end = pos + meta.getTotal_compressed_size();
        int dataPages = 0;
        long values = 0;
        CRC32 crc = new CRC32();
        while (pos < end) {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes, (int) pos, (int) (end - pos));
            int before = in.available();
            PageHeader header = Util.readPageHeader(in);
            int headerSize = before - in.available();
            crc.reset();
            crc.update(bytes, (int) pos + headerSize, header.getCompressed_page_size());
            assertEquals((int) crc.getValue(), header.getCrc(), where + ": checksum of the page at " + pos);
            if (header.getType() == PageType.DICTIONARY_PAGE) {
                assertEquals(0, dataPages, where + ": the dictionary page comes first");
                assertEquals(meta.getDictionary_page_offset(), pos);
            } else {
                assertEquals(PageType.DATA_PAGE, header.getType());
                PageLocation location = offsets.getPage_locations().get(dataPages);
                assertEquals(location.getOffset(), pos, where + ": page " + dataPages + " offset");
                assertEquals(location.getCompressed_page_size(), headerSize + header.getCompressed_page_size());
                if (dataPages == 0) {
                    assertEquals(meta.getData_page_offset(), pos);
                    assertEquals(0, location.getFirst_row_index());
                }
                values += header.getData_page_header().getNum_values();
                dataPages++;
            }
            pos += headerSize + header.getCompressed_page_size();
        }
        assertEquals(end, pos, where + ": the pages fill the chunk exactly");
        assertEquals(offsets.getPage_locations().size(), dataPages);
        assertEquals(index.getNull_pages().size(), dataPages);
        assertEquals(meta.getNum_values(), values);
        List<Long> firstRows = new ArrayList<>();
        offsets.getPage_locations().forEach(l -> firstRows.add(l.getFirst_row_index()));
        for (int i = 1; i < firstRows.size(); i++) {
            assertTrue(firstRows.get(i) > firstRows.get(i - 1) && firstRows.get(i) < groupRows,
                    where + ": " + firstRows);
        }
        long nulls = index.getNull_counts().stream().mapToLong(Long::longValue).sum();
        assertEquals(meta.getStatistics().getNull_count(), nulls, where + ": NULLs in the column index");
    }

    @Test
    void createdBy_namesRivet_inAFormThatParquetJavaTrusts() throws Exception {
        FileMetaData footer = footer(Files.readAllBytes(write(100, 1)));
        String createdBy = footer.getCreated_by();
        assertEquals("rivet-java version " + Rivet.version(), createdBy);
        assertFalse(Rivet.version().equals("unknown"), "the build writes the version file");
        assertEquals("rivet-java", VersionParser.parse(createdBy).application);
        // Any writer but old parquet-mr: its binary min and max are used for filtering.
        assertFalse(CorruptStatistics.shouldIgnoreStatistics(createdBy, PrimitiveTypeName.BINARY));
    }

    private Path write(int rowsPerBatch, int batches) throws IOException {
        Path file = dir.resolve("layout-" + rowsPerBatch + "x" + batches + ".parquet");
        try (BufferAllocator allocator = new RootAllocator();
                OutputStream out = Files.newOutputStream(file);
                FormatWriter writer = new ParquetFormatProvider().create(
                        Format.parquet().withRowGroupSize(DataSize.ofMebibytes(1)), COLUMNS, out, allocator)) {
            for (int b = 0; b < batches; b++) {
                List<Object[]> rows = new ArrayList<>();
                for (int i = 0; i < rowsPerBatch; i++) {
                    long id = (long) b * rowsPerBatch + i;
                    rows.add(new Object[] {id, i % 13 == 0 ? null : "status-" + (id % 7),
                            "note " + Long.toHexString(id * 0x9E3779B97F4A7C15L),
                            i % 5 == 0 ? null : List.of("t" + (id % 3), "u" + id)});
                }
                try (Batch batch = TestBatches.root(allocator, COLUMNS, rows)) {
                    writer.write(batch);
                }
            }
            writer.finish();
        }
        return file;
    }

    private static FileMetaData footer(byte[] bytes) throws IOException {
        int n = bytes.length;
        int length = (bytes[n - 8] & 0xff) | (bytes[n - 7] & 0xff) << 8 | (bytes[n - 6] & 0xff) << 16
                | (bytes[n - 5] & 0xff) << 24;
        return Util.readFileMetaData(new ByteArrayInputStream(bytes, n - 8 - length, length));
    }
}
