package io.rivet.sink.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.rivet.DataSize;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GCS sink's contract against the client's own in-memory storage ({@code LocalStorageHelper}, which implements
 * resumable uploads through {@code WriteChannel}): visible only after commit, abort leaves nothing, multi-chunk round
 * trips, list, delete, read and key checks. The real service and emulators are covered by {@code FakeGcsServerIT}.
 *
 * <p>One quirk of the in-memory store: it registers an object's name (without content or size) as soon as its upload
 * session opens, which real GCS does not. "Visible" here therefore means "has content a reader can get", checked by
 * {@link #visible(String)}.
 */
class GcsSinkTest {
    private Storage storage;
    private GcsSink sink;

    @BeforeEach
    void open() {
        storage = LocalStorageHelper.customOptions(false).getService();
        sink = GcsSink.builder().storage(storage).bucket("lake").prefix("/raw/").chunkSize(DataSize.ofKibibytes(256))
                .build();
    }

    @AfterEach
    void close() throws Exception {
        sink.close();
        storage.close();
    }

    @Test
    void location_isTheBucketAndNormalisedPrefix() {
        assertEquals("gs://lake/raw/", sink.location());
        assertEquals("raw/", sink.prefix());
    }

    @Test
    void smallObject_isInvisibleUntilCommit() throws IOException {
        byte[] data = "id,name\n1,a\n".getBytes(StandardCharsets.UTF_8);
        try (ObjectWriter w = sink.open("a/one.csv")) {
            w.stream().write(data);
            w.stream().close();
            assertEquals(List.of(), visible("a/"));
            w.commit();
        }
        assertEquals(List.of("a/one.csv"), sink.list("a/"));
        assertArrayEquals(data, readAll("a/one.csv"));
        assertEquals("text/csv; charset=utf-8", storage.get(BlobId.of("lake", "raw/a/one.csv")).getContentType());
    }

    @Test
    void multiChunkObject_isInvisibleUntilCommitThenReadsBackExactly() throws IOException {
        byte[] data = random(3 * 1024 * 1024 + 17, 1);
        try (ObjectWriter w = sink.open("b/big.parquet")) {
            OutputStream out = w.stream();
            for (int off = 0; off < data.length; off += 50_000) {
                out.write(data, off, Math.min(50_000, data.length - off));
            }
            out.close();
            assertEquals(List.of(), visible("b/"), "chunks sent, object not finalised");
            w.commit();
        }
        assertArrayEquals(data, readAll("b/big.parquet"));
    }

    @Test
    void abort_afterChunksWereSent_leavesNothing() throws IOException {
        ObjectWriter w = sink.open("c/aborted.parquet");
        w.stream().write(random(2 * 1024 * 1024, 2));
        w.abort();
        w.abort();
        w.close();
        assertEquals(List.of(), visible("c/"));
        assertFalse(readable("c/aborted.parquet"));
        assertThrows(IllegalStateException.class, w::commit);
        assertThrows(IOException.class, () -> w.stream().write(1));
    }

    @Test
    void closeWithoutCommit_aborts() throws IOException {
        try (ObjectWriter w = sink.open("d/x.csv")) {
            w.stream().write(1);
        }
        assertEquals(List.of(), visible("d/"));
    }

    @Test
    void commit_overwrites() throws IOException {
        write("e/x.csv", "first");
        write("e/x.csv", "second, longer");
        assertEquals("second, longer", new String(readAll("e/x.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void emptyObject_isPublished() throws IOException {
        try (ObjectWriter w = sink.open("f/empty.csv")) {
            w.commit();
        }
        assertEquals(0, readAll("f/empty.csv").length);
    }

    @Test
    void list_matchesByPrefix() throws IOException {
        write("l/run1/part-00000-000.csv", "a");
        write("l/run1/part-00001-000.csv", "b");
        write("l/run10/part-00000-000.csv", "c");
        assertEquals(List.of("l/run1/part-00000-000.csv", "l/run1/part-00001-000.csv"),
                sink.list("l/run1/").stream().sorted().toList());
        assertEquals(3, sink.list("l/run1").size());
    }

    @Test
    void delete_reportsWhetherThereWasAnObject() throws IOException {
        write("g/x.csv", "x");
        assertTrue(sink.delete("g/x.csv"));
        assertFalse(sink.delete("g/x.csv"));
    }

    @Test
    void read_ofAMissingObjectIsANonRetryableSinkException() {
        SinkException e = assertThrows(SinkException.class, () -> sink.read("missing.csv"));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("gs://lake/raw/missing.csv"), e.getMessage());
    }

    @Test
    void cleanStaging_hasNothingToDo() {
        assertEquals(0, sink.cleanStaging(""));
    }

    @Test
    void invalidKeysAreRefused() {
        for (String bad : new String[] {"", "/abs", "a//b", "a/../b", "trailing/", "x\ny"}) {
            assertThrows(SinkException.class, () -> sink.open(bad), bad);
        }
    }

    /** Keys under {@code prefix} whose content can be read (see the class comment on the in-memory store). */
    private List<String> visible(String prefix) {
        return sink.list(prefix).stream().filter(this::readable).sorted().toList();
    }

    private boolean readable(String key) {
        try (InputStream in = sink.read(key)) {
            in.read();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void write(String key, String content) throws IOException {
        try (ObjectWriter w = sink.open(key)) {
            w.stream().write(content.getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
    }

    private byte[] readAll(String key) throws IOException {
        try (InputStream in = sink.read(key)) {
            return in.readAllBytes();
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
