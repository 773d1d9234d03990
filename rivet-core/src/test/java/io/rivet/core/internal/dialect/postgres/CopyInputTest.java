package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.postgresql.copy.CopyOut;

/**
 * The COPY byte stream when rows do not line up with protocol messages. PostgreSQL sends one row per CopyData message
 * (which the integration tests cover against a real server), but the protocol allows any split, and then a row is
 * assembled across messages. A stream in PostgreSQL's binary format, written here, is cut at random points and fed
 * through pgjdbc's {@link CopyOut} interface.
 */
class CopyInputTest {

    private static final List<Column> COLUMNS = List.of(new Column("id", ColumnType.INT64, "int8"),
            new Column("name", ColumnType.STRING, "text"), new Column("n", ColumnType.INT32, "int4"));

    /** Header, rows of (int8, text, int4) with NULLs, trailer. */
    private static byte[] stream(int rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
        out.writeInt(0);
        out.writeInt(4);
        out.writeInt(0xCAFE); // a header extension, skipped
        for (int i = 0; i < rows; i++) {
            out.writeShort(3);
            out.writeInt(8);
            out.writeLong(i * 1_000_003L);
            if (i % 5 == 0) {
                out.writeInt(-1);
            } else {
                byte[] text = ("row " + i + " é".repeat(i % 40)).getBytes(StandardCharsets.UTF_8);
                out.writeInt(text.length);
                out.write(text);
            }
            out.writeInt(4);
            out.writeInt(-i);
        }
        out.writeShort(-1);
        return bytes.toByteArray();
    }

    /** Every row's values as text, read in batches of {@code batch}. */
    private static List<String> decode(PostgresCopyReader reader, int batch) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                Batch root = Batch.create(COLUMNS, allocator)) {
            int n;
            while ((n = reader.read(root, batch)) > 0) {
                for (int r = 0; r < n; r++) {
                    rows.add(root.getVector(0).getObject(r) + "|" + root.getVector(1).getObject(r) + "|"
                            + root.getVector(2).getObject(r));
                }
            }
        }
        return rows;
    }

    /** A CopyOut handing out {@code messages} one by one, then the end. */
    private static CopyOut feed(List<byte[]> messages) {
        Deque<byte[]> queue = new ArrayDeque<>(messages);
        return new CopyOut() {
            @Override
            public byte[] readFromCopy() {
                return queue.poll();
            }

            @Override
            public byte[] readFromCopy(boolean block) {
                return queue.poll();
            }

            @Override
            public int getFieldCount() {
                return COLUMNS.size();
            }

            @Override
            public int getFormat() {
                return 1;
            }

            @Override
            public int getFieldFormat(int field) {
                return 1;
            }

            @Override
            public boolean isActive() {
                return !queue.isEmpty();
            }

            @Override
            public void cancelCopy() {
                queue.clear();
            }

            @Override
            public long getHandledRowCount() {
                return -1;
            }
        };
    }

    @Test
    void rowsSplitAcrossMessages_decodeLikeTheWholeStream() throws Exception {
        byte[] whole = stream(3_000);
        List<String> expected = decode(PostgresCopyReader.ofBytes(whole, COLUMNS), 700);
        assertEquals(3_000, expected.size());
        assertEquals("5000015|null|-5", expected.get(5));
        assertEquals("6000018|row 6" + " é".repeat(6) + "|-6", expected.get(6));
        SplittableRandom random = new SplittableRandom(11);
        for (int maxPiece : new int[] {1, 3, 17, 300, 5000}) {
            List<byte[]> pieces = new ArrayList<>();
            for (int at = 0; at < whole.length; ) {
                int len = Math.min(whole.length - at, 1 + random.nextInt(maxPiece));
                pieces.add(Arrays.copyOfRange(whole, at, at + len));
                at += len;
            }
            CopyOut copy = feed(pieces);
            List<String> actual = decode(PostgresCopyReader.of(copy, CopyInput.open(null, copy, false), COLUMNS),
                    333);
            assertEquals(expected, actual, "pieces of at most " + maxPiece + " bytes");
        }
    }

    @Test
    void streamEndingInsideARow_fails() throws Exception {
        byte[] whole = stream(10);
        byte[] cut = Arrays.copyOf(whole, whole.length - 7);
        CopyOut copy = feed(List.of(cut));
        SQLException e = assertThrows(SQLException.class,
                () -> decode(PostgresCopyReader.of(copy, CopyInput.open(null, copy, false), COLUMNS), 100));
        assertEquals("08P01", e.getSQLState());
    }

    @Test
    void batchesEndingExactlyAtTheLastRow_thenAnEmptyRead() throws Exception {
        PostgresCopyReader reader = PostgresCopyReader.ofBytes(stream(6), COLUMNS);
        try (BufferAllocator allocator = new RootAllocator();
                Batch batch = Batch.create(COLUMNS, allocator)) {
            assertEquals(3, reader.read(batch, 3));
            assertEquals(3, reader.read(batch, 3), "the end-of-data marker right after a full batch");
            assertEquals(0, reader.read(batch, 3));
            assertEquals(0, reader.read(batch, 3), "reading past the end stays empty");
        }
        PostgresCopyReader shorter = PostgresCopyReader.ofBytes(stream(5), COLUMNS);
        try (BufferAllocator allocator = new RootAllocator();
                Batch batch = Batch.create(COLUMNS, allocator)) {
            assertEquals(3, shorter.read(batch, 3));
            assertEquals(2, shorter.read(batch, 3));
            assertEquals(0, shorter.read(batch, 3));
        }
    }

    @Test
    void aRowOfAnotherWidth_failsNamingBothCounts() throws Exception {
        byte[] whole = stream(4);
        // The third row's field count: header (11 + 4 + 4 + 4 bytes), then two rows whose sizes are known.
        int at = 23;
        for (int i = 0; i < 2; i++) {
            String text = "row " + i + " é".repeat(i % 40);
            int textLength = i % 5 == 0 ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
            at += 2 + 4 + 8 + 4 + textLength + 4 + 4;
        }
        assertEquals(3, (whole[at] << 8) | (whole[at + 1] & 0xFF), "the test found the field count");
        whole[at + 1] = 2;
        PostgresCopyReader reader = PostgresCopyReader.ofBytes(whole, COLUMNS);
        SQLException e = assertThrows(SQLException.class, () -> decode(reader, 100));
        assertEquals("COPY sent 2 fields in a row but the query has 3 columns", e.getMessage());
        assertEquals("08P01", e.getSQLState());
    }
}
