package io.rivet.core.internal.sink.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Sink;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.SinkException;
import io.rivet.spi.ObjectWriter;
import io.rivet.spi.SinkProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalSinkTest {

    @TempDir
    Path root;

    private LocalSink sink() {
        return new LocalSink(root);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Every file below root, temp files included, as '/'-separated relative paths. */
    private List<String> allFiles() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    // ---------------------------------------------------------------- commit protocol

    @Test
    void commit_publishesExactBytes_mixingSmallAndLargeWrites() throws Exception {
        LocalSink sink = sink();
        byte[] big = randomBytes(LocalSink.WRITE_BUFFER_BYTES * 2 + 17, 1);
        byte[] small = randomBytes(1000, 2);
        try (ObjectWriter w = sink.open("orders/run-1/part-00000-000.parquet")) {
            OutputStream out = w.stream();
            out.write(7);
            out.write(small);
            out.write(big);
            out.write(small, 10, 20);
            for (int i = 0; i < LocalSink.WRITE_BUFFER_BYTES + 3; i++) {
                out.write(i);
            }
            w.commit();
        }
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.write(7);
        expected.write(small);
        expected.write(big);
        expected.write(small, 10, 20);
        for (int i = 0; i < LocalSink.WRITE_BUFFER_BYTES + 3; i++) {
            expected.write(i);
        }
        Path file = root.resolve("orders/run-1/part-00000-000.parquet");
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
        assertEquals(List.of("orders/run-1/part-00000-000.parquet"), allFiles());
        try (InputStream in = sink.read("orders/run-1/part-00000-000.parquet")) {
            assertArrayEquals(expected.toByteArray(), in.readAllBytes());
        }
    }

    @Test
    void beforeCommit_onlyAHiddenTempFileExists() throws Exception {
        LocalSink sink = sink();
        ObjectWriter w = sink.open("orders/part-0.csv");
        w.stream().write("a,b\n".getBytes(StandardCharsets.UTF_8));
        w.stream().flush();
        assertFalse(Files.exists(root.resolve("orders/part-0.csv")));
        assertEquals(List.of(), sink.list(""));
        List<String> files = allFiles();
        assertEquals(1, files.size());
        String temp = files.get(0);
        assertTrue(temp.startsWith("orders/.part-0.csv.") && temp.endsWith(".rivet-tmp"), temp);
        assertEquals("a,b\n", Files.readString(root.resolve(temp)));
        w.commit();
        assertEquals(List.of("orders/part-0.csv"), allFiles());
    }

    @Test
    void abort_leavesNothing_andMayBeRepeated() throws Exception {
        ObjectWriter w = sink().open("x/y.bin");
        w.stream().write(randomBytes(LocalSink.WRITE_BUFFER_BYTES + 5, 3));
        w.abort();
        w.abort();
        w.close();
        assertEquals(List.of(), allFiles());
        IOException e = assertThrows(IOException.class, () -> w.stream().write(1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, w::commit);
    }

    @Test
    void close_withoutCommit_leavesNothing() throws Exception {
        try (ObjectWriter w = sink().open("x/y.bin")) {
            w.stream().write(randomBytes(100, 4));
        }
        assertEquals(List.of(), allFiles());
    }

    @Test
    void close_afterCommit_keepsObject() throws Exception {
        ObjectWriter w = sink().open("k");
        w.stream().write(42);
        w.commit();
        w.close();
        w.abort();
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(root.resolve("k")));
        assertThrows(IllegalStateException.class, w::commit);
    }

    @Test
    void commit_afterCallerClosedStream_stillPublishes() throws Exception {
        // Format writers often close the stream they were given when they finish.
        try (ObjectWriter w = sink().open("a/b.csv")) {
            w.stream().write("x\n1\n".getBytes(StandardCharsets.UTF_8));
            w.stream().close();
            assertFalse(Files.exists(root.resolve("a/b.csv")));
            w.commit();
        }
        assertEquals("x\n1\n", Files.readString(root.resolve("a/b.csv")));
    }

    @Test
    void commit_overwritesExistingObject() throws Exception {
        LocalSink sink = sink();
        for (String content : List.of("first version, longer", "second")) {
            try (ObjectWriter w = sink.open("o/part.csv")) {
                w.stream().write(content.getBytes(StandardCharsets.UTF_8));
                w.commit();
            }
        }
        assertEquals("second", Files.readString(root.resolve("o/part.csv")));
        assertEquals(List.of("o/part.csv"), allFiles());
    }

    @Test
    void commit_whenTargetIsNonEmptyDirectory_failsAndLeavesNoTemp() throws Exception {
        Files.createDirectories(root.resolve("o/part.csv"));
        Files.writeString(root.resolve("o/part.csv/inside"), "keep");
        LocalSink sink = sink();
        ObjectWriter w = sink.open("o/part.csv");
        w.stream().write(1);
        SinkException e = assertThrows(SinkException.class, w::commit);
        assertEquals("o/part.csv", e.objectKey());
        assertEquals(sink.location(), e.location());
        assertTrue(e.getMessage().contains("could not publish " + root.resolve("o/part.csv")), e.getMessage());
        assertTrue(e.getMessage().contains("disk is not full"), e.getMessage());
        assertEquals(List.of("o/part.csv/inside"), allFiles());
        w.close();
    }

    @Test
    void publishedCsv_isReadByDuckDb() throws Exception {
        try (ObjectWriter w = sink().open("orders/run-1/part-00000-000.csv")) {
            w.stream().write("id,name\n1,ada\n2,grace\n".getBytes(StandardCharsets.UTF_8));
            w.commit();
        }
        String file = root.resolve("orders/run-1/part-00000-000.csv").toString().replace("'", "''");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), sum(id), string_agg(name, '|' ORDER BY id)"
                        + " FROM read_csv('" + file + "', header = true)")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getLong(1));
            assertEquals(3, rs.getLong(2));
            assertEquals("ada|grace", rs.getString(3));
        }
    }

    // ---------------------------------------------------------------- keys

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|it is empty",
        "/abs/file|starts with '/'",
        "a//b|empty segment",
        "a/|empty segment",
        "a/../b|'..' segment",
        "..|'..' segment",
        "a/./b|'.' segment",
        "a\\b|contains '\\'",
        "dir/.part.csv.0123abcd.rivet-tmp|temp file",
    })
    void open_invalidKey_isRejectedNamingKeyAndReason(String key, String reason) {
        SinkException e = assertThrows(SinkException.class, () -> sink().open(key));
        assertEquals(key, e.objectKey());
        assertTrue(e.getMessage().contains("Invalid object key \"" + key + "\""), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void keyWithNul_isRejectedForEveryOperation() throws IOException {
        LocalSink sink = sink();
        String key = "a\0b";
        SinkException e = assertThrows(SinkException.class, () -> sink.open(key));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertTrue(e.getMessage().contains("a\\0b"), e.getMessage());
        assertThrows(SinkException.class, () -> sink.read(key));
        assertThrows(SinkException.class, () -> sink.delete(key));
        assertThrows(SinkException.class, () -> sink.list("../"));
        assertEquals(List.of(), allFiles());
    }

    // ---------------------------------------------------------------- list, read, delete

    private void publish(LocalSink sink, String key, String content) {
        try (ObjectWriter w = sink.open(key)) {
            w.stream().write(content.getBytes(StandardCharsets.UTF_8));
            w.commit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void list_returnsPublishedKeysWithPrefix_excludingTempFiles() throws Exception {
        LocalSink sink = sink();
        publish(sink, "orders/r1/part-00000-000.csv", "a");
        publish(sink, "orders/r1/part-00001-000.csv", "b");
        publish(sink, "orders/r1/manifest.json", "{}");
        publish(sink, "orders/r2/part-00000-000.csv", "c");
        publish(sink, "ordersx/r1/p.csv", "d");
        publish(sink, "top.txt", "e");
        ObjectWriter open = sink.open("orders/r1/part-00002-000.csv"); // staged, not published
        Files.writeString(root.resolve("orders/r1/.part-00003-000.csv.dead.rivet-tmp"), "leftover");

        assertEquals(List.of("orders/r1/manifest.json", "orders/r1/part-00000-000.csv",
                "orders/r1/part-00001-000.csv"), sorted(sink.list("orders/r1/")));
        assertEquals(List.of("orders/r1/part-00000-000.csv", "orders/r1/part-00001-000.csv"),
                sorted(sink.list("orders/r1/part-")));
        assertEquals(List.of("orders/r1/manifest.json", "orders/r1/part-00000-000.csv",
                "orders/r1/part-00001-000.csv", "orders/r2/part-00000-000.csv"), sorted(sink.list("orders/")));
        assertEquals(List.of("orders/r1/manifest.json", "orders/r1/part-00000-000.csv",
                "orders/r1/part-00001-000.csv", "orders/r2/part-00000-000.csv", "ordersx/r1/p.csv"),
                sorted(sink.list("orders")));
        assertEquals(7 - 1, sink.list("").size());
        assertEquals(List.of(), sink.list("missing/dir/"));
        open.abort();
    }

    @Test
    void list_onMissingRoot_isEmpty() {
        assertEquals(List.of(), new LocalSink(root.resolve("not-yet")).list(""));
    }

    private static List<String> sorted(List<String> keys) {
        return keys.stream().sorted().toList();
    }

    @Test
    void read_missingObject_throwsSinkExceptionNamingKey() {
        LocalSink sink = sink();
        SinkException e = assertThrows(SinkException.class, () -> sink.read("orders/none.csv"));
        assertEquals("orders/none.csv", e.objectKey());
        assertTrue(e.getMessage().contains("No object \"orders/none.csv\" in " + sink.location()), e.getMessage());
    }

    @Test
    void delete_removesPublishedObject_andReportsWhetherThereWasOne() {
        LocalSink sink = sink();
        publish(sink, "a/b.csv", "x");
        assertTrue(sink.delete("a/b.csv"));
        assertFalse(sink.delete("a/b.csv"));
        assertFalse(sink.delete("a"));
        assertFalse(Files.exists(root.resolve("a/b.csv")));
        assertTrue(Files.isDirectory(root.resolve("a")));
    }

    // ---------------------------------------------------------------- staging cleanup

    @Test
    void cleanStaging_removesLeftoverTempFilesOnlyUnderPrefix() throws Exception {
        LocalSink sink = sink();
        publish(sink, "orders/r1/part-00000-000.csv", "kept");
        publish(sink, "other/r1/part-00000-000.csv", "kept");
        Files.writeString(root.resolve("orders/r1/.part-00001-000.csv.1a2b.rivet-tmp"), "dead");
        Files.createDirectories(root.resolve("orders/r1/sub"));
        Files.writeString(root.resolve("orders/r1/sub/.x.csv.ffff.rivet-tmp"), "dead");
        Files.writeString(root.resolve("other/r1/.y.csv.eeee.rivet-tmp"), "other export's");
        Files.writeString(root.resolve("orders/r1/.hidden-but-not-temp"), "kept");

        assertEquals(2, sink.cleanStaging("orders/"));
        assertEquals(List.of("orders/r1/.hidden-but-not-temp", "orders/r1/part-00000-000.csv",
                "other/r1/.y.csv.eeee.rivet-tmp", "other/r1/part-00000-000.csv"), allFiles());
        assertEquals(0, sink.cleanStaging("orders/"));
        assertEquals(1, sink.cleanStaging(""));
        assertEquals(0, sink.cleanStaging("nothing/here/"));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentWriters_toDifferentKeys_allPublishExactBytes() throws Exception {
        LocalSink sink = sink();
        int threads = 8;
        int perThread = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // All threads share directories, so parent creation races too.
                        String key = "orders/run/part-" + String.format("%05d-%03d", i, thread) + ".bin";
                        try (ObjectWriter w = sink.open(key)) {
                            w.stream().write(randomBytes(10_000 + i * 7_919, thread * 1000L + i));
                            w.commit();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, sink.list("orders/run/").size());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                String key = "orders/run/part-" + String.format("%05d-%03d", i, t) + ".bin";
                assertArrayEquals(randomBytes(10_000 + i * 7_919, t * 1000L + i),
                        Files.readAllBytes(root.resolve(key)), key);
            }
        }
        assertEquals(threads * perThread, allFiles().size());
    }

    // ---------------------------------------------------------------- location and provider

    @Test
    void location_isFileUriEndingWithSlash() {
        assertEquals("file://" + root.toAbsolutePath() + "/", sink().location());
        String missing = new LocalSink(root.resolve("later")).location();
        assertTrue(missing.startsWith("file:/") && missing.endsWith("/later/"), missing);
    }

    @Test
    void provider_isRegisteredForFileScheme_andRootsSinkAtUriPath() throws Exception {
        SinkProvider provider = ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals("file")).findFirst().orElseThrow();
        assertTrue(provider instanceof LocalSinkProvider);
        Sink sink = provider.create(root.resolve("out").toUri(), Map.of());
        try (ObjectWriter w = sink.open("a.txt")) {
            w.stream().write('z');
            w.commit();
        }
        assertEquals("z", Files.readString(root.resolve("out/a.txt")));
        assertEquals(root.resolve("out").toUri().toString(), sink.location());
    }

    @Test
    void provider_rejectsUnusableUrisAndOptions() {
        LocalSinkProvider provider = new LocalSinkProvider();
        RivetConfigException relative = assertThrows(RivetConfigException.class,
                () -> provider.create(URI.create("file:relative/dir"), Map.of()));
        assertTrue(relative.getMessage().contains("file:relative/dir"), relative.getMessage());
        assertTrue(relative.getMessage().contains("file:///data/out/"), relative.getMessage());
        assertThrows(RivetConfigException.class, () -> provider.create(URI.create("file://host/dir"), Map.of()));
        assertThrows(RivetConfigException.class, () -> provider.create(URI.create("s3://bucket/p"), Map.of()));
        RivetConfigException options = assertThrows(RivetConfigException.class,
                () -> provider.create(root.toUri(), Map.of("region", "eu")));
        assertTrue(options.getMessage().contains("[region]"), options.getMessage());
    }
}
