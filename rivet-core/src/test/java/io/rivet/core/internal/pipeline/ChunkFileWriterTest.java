package io.rivet.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Format;
import io.rivet.Sink;
import io.rivet.core.internal.format.csv.CsvFormatProvider;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.spi.ObjectWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The object lifecycle a chunk imposes on a sink: a finished file's stream is closed (so a cloud sink sends its last
 * part before the chunk commits), and when the chunk fails, every file it staged is aborted, not only the open one.
 */
class ChunkFileWriterTest {
    private static final List<Column> COLUMNS = List.of(new Column("id", ColumnType.INT64, "int8"));

    private BufferAllocator allocator;
    private Batch batch;
    private final RecordingSink sink = new RecordingSink();

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        batch = Batch.create(COLUMNS, allocator);
        BigIntVector id = (BigIntVector) batch.getVector(0);
        id.allocateNew(100);
        for (int i = 0; i < 100; i++) {
            id.set(i, 1_000_000L + i);
        }
        batch.setRowCount(100);
    }

    @AfterEach
    void tearDown() {
        batch.close();
        allocator.close();
    }

    @Test
    void finishedFiles_haveTheirStreamClosedBeforeTheyAreStaged() throws IOException {
        List<StagedFile> staged;
        try (ChunkFileWriter writer = writer()) {
            writer.write(batch);
            writer.write(batch);
            staged = writer.finish();
        }
        assertEquals(2, staged.size(), "rolled after each batch");
        assertEquals(2, sink.opened.size());
        for (Recorded r : sink.opened) {
            assertTrue(r.streamClosed, r.key + " stream closed");
            assertEquals(0, r.aborts, r.key + " not aborted: the caller owns staged files");
        }
    }

    @Test
    void aFailureAfterRolling_abortsEveryFileOfTheChunk() throws IOException {
        sink.failFromFile = 2;
        try (ChunkFileWriter writer = writer()) {
            writer.write(batch);
            assertThrows(IOException.class, () -> {
                writer.write(batch);
                writer.finish();
            });
        }
        assertEquals(2, sink.opened.size());
        for (Recorded r : sink.opened) {
            assertTrue(r.aborts >= 1, r.key + " aborted");
        }
    }

    private ChunkFileWriter writer() {
        // 1 byte: every batch rolls to a new file.
        return new ChunkFileWriter(sink, "e/run/", 3, new CsvFormatProvider(), Format.csv(), COLUMNS, 1, allocator, null, null);
    }

    /** What the chunk did to one object. */
    private static final class Recorded {
        final String key;
        boolean streamClosed;
        int aborts;

        Recorded(String key) {
            this.key = key;
        }
    }

    /** An in-memory sink that records each object's lifecycle and can fail writes from the n-th object on. */
    private static final class RecordingSink implements Sink {
        final List<Recorded> opened = new ArrayList<>();
        int failFromFile = Integer.MAX_VALUE;

        @Override
        public String location() {
            return "memory:/";
        }

        @Override
        public ObjectWriter open(String key) {
            Recorded r = new Recorded(key);
            opened.add(r);
            boolean fail = opened.size() >= failFromFile;
            OutputStream stream = new ByteArrayOutputStream() {
                @Override
                public void write(byte[] b, int off, int len) {
                    if (fail) {
                        throw new java.io.UncheckedIOException(new IOException("injected failure writing " + key));
                    }
                    super.write(b, off, len);
                }

                @Override
                public void close() {
                    r.streamClosed = true;
                }
            };
            return new ObjectWriter() {
                @Override
                public String key() {
                    return key;
                }

                @Override
                public OutputStream stream() {
                    return new OutputStream() {
                        @Override
                        public void write(int b) throws IOException {
                            write(new byte[] {(byte) b}, 0, 1);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            try {
                                stream.write(b, off, len);
                            } catch (java.io.UncheckedIOException e) {
                                throw e.getCause();
                            }
                        }

                        @Override
                        public void close() throws IOException {
                            stream.close();
                        }
                    };
                }

                @Override
                public void commit() {
                }

                @Override
                public void abort() {
                    r.aborts++;
                }

                @Override
                public void close() {
                    abort();
                }
            };
        }

        @Override
        public List<String> list(String prefix) {
            return List.of();
        }

        @Override
        public boolean delete(String key) {
            return false;
        }

        @Override
        public InputStream read(String key) {
            throw new UnsupportedOperationException();
        }
    }
}
