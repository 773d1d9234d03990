package io.rivet.core.internal.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.state.ChunkCheckpoint;
import io.rivet.state.ChunkRun;
import io.rivet.state.ChunkStatus;
import io.rivet.state.CursorState;
import io.rivet.state.FileRecord;
import io.rivet.state.RunRecord;
import io.rivet.state.RunStatus;
import io.rivet.state.SchemaBaseline;
import io.rivet.state.StateStore;
import io.rivet.state.StateStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreTest {

    private static final Instant T0 = Instant.ofEpochSecond(1_763_710_000L, 123_456_789);

    @TempDir
    Path dir;

    private final List<StateStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(StateStore::close);
    }

    private FileStateStore open() {
        FileStateStore store = FileStateStore.open(dir);
        opened.add(store);
        return store;
    }

    private static ChunkRun plan(String export, String runId, String fingerprint, int chunks) {
        List<ChunkCheckpoint> list = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            list.add(new ChunkCheckpoint(i, String.valueOf(i * 100), String.valueOf(i * 100 + 99),
                    ChunkStatus.PENDING, 0, 0, 0, null));
        }
        return new ChunkRun(export, runId, fingerprint, list);
    }

    private static RunRecord run(String export, String runId, Instant started, RunStatus status) {
        return new RunRecord(runId, export, status, "full", started, started.plusSeconds(5), 10, 100, 1, 0, null);
    }

    // ---------------------------------------------------------------- opening

    @Test
    void open_missingDirectory_createsItWithStateDb() {
        Path nested = dir.resolve("a/b/state");
        try (FileStateStore store = FileStateStore.open(nested)) {
            assertEquals(nested.resolve("state.db"), store.file());
            assertTrue(Files.isRegularFile(nested.resolve("state.db")));
        }
    }

    @Test
    void open_setsWalFullSynchronousAndBusyTimeout() {
        FileStateStore store = open();
        assertEquals("wal", store.pragma("journal_mode"));
        assertEquals("2", store.pragma("synchronous")); // 2 = FULL
        assertEquals(String.valueOf(FileStateStore.BUSY_TIMEOUT_MILLIS), store.pragma("busy_timeout"));
    }

    @Test
    void open_directoryPathIsAFile_throwsConfigExceptionNamingPathAndFix() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "not a directory");
        Path wanted = blocker.resolve("state");
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> FileStateStore.open(wanted));
        assertTrue(e.getMessage().contains(wanted.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("write"), e.getMessage());
        assertTrue(e.getMessage().contains("choose another state directory"), e.getMessage());
    }

    @Test
    void open_fileIsNotADatabase_throwsConfigExceptionNamingFile() throws Exception {
        Files.write(dir.resolve("state.db"), "this is not sqlite, just text".repeat(100)
                .getBytes(StandardCharsets.US_ASCII));
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> FileStateStore.open(dir));
        assertTrue(e.getMessage().contains(dir.resolve("state.db").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("move it away"), e.getMessage());
    }

    @Test
    void open_schemaFromNewerRivet_isRefused() throws Exception {
        open().close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO schema_version (version, applied_at) VALUES (99, 'x')");
        }
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> FileStateStore.open(dir));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        assertTrue(e.getMessage().contains("Upgrade Rivet"), e.getMessage());
    }

    @Test
    void open_again_appliesMigrationsOnlyOnce() throws Exception {
        open().close();
        open().close();
        FileStateStore third = open();
        third.saveCursor("e", new CursorState("1", null, "r", T0));
        third.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            List<Integer> versions = new ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
            assertEquals(List.of(1, 2, 3), versions);
        }
        assertEquals(3, StateSchema.CURRENT_VERSION);
        assertEquals("1", open().cursor("e").orElseThrow().value());
    }

    // ---------------------------------------------------------------- schema baselines

    @Test
    void schema_roundTripsAndIsReplaced() {
        FileStateStore store = open();
        assertEquals(Optional.empty(), store.schema("orders"));
        Instant at = Instant.parse("2026-11-21T08:00:00.123456789Z");
        store.saveSchema("orders", new SchemaBaseline(List.of("id int64", "amount decimal(12,2)"), "r1", at));
        store.saveSchema("orders", new SchemaBaseline(List.of("id int64", "note string"), "r2", at));
        store.close();
        assertEquals(new SchemaBaseline(List.of("id int64", "note string"), "r2", at), open().schema("orders").orElseThrow());
    }

    // ---------------------------------------------------------------- cursors

    @Test
    void cursor_none_isEmpty() {
        assertEquals(Optional.empty(), open().cursor("orders"));
    }

    @Test
    void saveCursor_thenCursor_roundTripsAndReplaces() {
        FileStateStore store = open();
        CursorState first = new CursorState("2026-01-01 00:00:00", null, "run-1", T0);
        store.saveCursor("orders", first);
        assertEquals(Optional.of(first), store.cursor("orders"));

        CursorState second = new CursorState("2026-01-02 00:00:00", "42", "run-2", T0.plusNanos(1));
        store.saveCursor("orders", second);
        assertEquals(Optional.of(second), store.cursor("orders"));
        assertEquals(Optional.empty(), store.cursor("customers"));
    }

    // ---------------------------------------------------------------- chunk runs

    @Test
    void startChunkRun_thenUnfinished_returnsFullPlan() {
        FileStateStore store = open();
        ChunkRun run = plan("orders", "r1", "fp-1", 5);
        store.startChunkRun(run);
        assertEquals(Optional.of(run), store.unfinishedChunkRun("orders"));
        assertEquals(Optional.empty(), store.unfinishedChunkRun("customers"));
    }

    @Test
    void unfinishedChunkRun_returnsNewestOpenRun() {
        FileStateStore store = open();
        store.startChunkRun(plan("orders", "r1", "fp-1", 2));
        store.startChunkRun(plan("orders", "r2", "fp-2", 3));
        store.startChunkRun(plan("other", "r3", "fp-3", 1));
        assertEquals("r2", store.unfinishedChunkRun("orders").orElseThrow().runId());

        store.closeChunkRun("orders", "r2", false);
        assertEquals("r1", store.unfinishedChunkRun("orders").orElseThrow().runId());

        store.closeChunkRun("orders", "r1", true);
        assertEquals(Optional.empty(), store.unfinishedChunkRun("orders"));
        assertEquals("r3", store.unfinishedChunkRun("other").orElseThrow().runId());
    }

    @Test
    void closeChunkRun_storesCompletedOrAbandoned() throws Exception {
        FileStateStore store = open();
        store.startChunkRun(plan("orders", "r1", "fp", 1));
        store.startChunkRun(plan("orders", "r2", "fp", 1));
        store.closeChunkRun("orders", "r1", true);
        store.closeChunkRun("orders", "r2", false);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT run_id, status FROM chunk_runs ORDER BY run_id")) {
            assertTrue(rs.next());
            assertEquals("r1 completed", rs.getString(1) + " " + rs.getString(2));
            assertTrue(rs.next());
            assertEquals("r2 abandoned", rs.getString(1) + " " + rs.getString(2));
            assertFalse(rs.next());
        }
    }

    @Test
    void startChunkRun_sameRunAgain_replacesPlanAndReopens() {
        FileStateStore store = open();
        store.startChunkRun(plan("orders", "r1", "fp-old", 4));
        store.startChunkRun(plan("orders", "r2", "fp", 1));
        store.closeChunkRun("orders", "r1", false);
        ChunkRun replacement = plan("orders", "r1", "fp-new", 2);
        store.startChunkRun(replacement);
        // r1 keeps its original place in creation order, so r2 is still the newest open run.
        assertEquals("r2", store.unfinishedChunkRun("orders").orElseThrow().runId());
        store.closeChunkRun("orders", "r2", true);
        assertEquals(Optional.of(replacement), store.unfinishedChunkRun("orders"));
    }

    @Test
    void updateChunk_replacesThatChunkOnly() {
        FileStateStore store = open();
        ChunkRun run = plan("orders", "r1", "fp", 3);
        store.startChunkRun(run);
        ChunkCheckpoint done = run.chunks().get(1).with(ChunkStatus.DONE, 1234, 56789, 2, null);
        ChunkCheckpoint failed = run.chunks().get(2).with(ChunkStatus.FAILED, 0, 0, 1, "connection reset");
        store.updateChunk("orders", "r1", done);
        store.updateChunk("orders", "r1", failed);
        assertEquals(List.of(run.chunks().get(0), done, failed),
                store.unfinishedChunkRun("orders").orElseThrow().chunks());
    }

    @Test
    void updateChunk_unknownRun_throwsIllegalState() {
        FileStateStore store = open();
        ChunkCheckpoint c = new ChunkCheckpoint(0, "0", "9", ChunkStatus.DONE, 1, 1, 1, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.updateChunk("orders", "nope", c));
        assertEquals("no chunk run nope for export orders", e.getMessage());
    }

    @Test
    void updateChunk_indexOutsidePlan_throwsIndexOutOfBounds() {
        FileStateStore store = open();
        store.startChunkRun(plan("orders", "r1", "fp", 2));
        ChunkCheckpoint c = new ChunkCheckpoint(7, "0", "9", ChunkStatus.DONE, 1, 1, 1, null);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> store.updateChunk("orders", "r1", c));
        assertTrue(e.getMessage().contains("no chunk 7"), e.getMessage());
    }

    // ---------------------------------------------------------------- ledger

    @Test
    void recordFiles_replacesOnlyThatChunk_andFilesAreOrderedByChunkThenKey() {
        FileStateStore store = open();
        FileRecord c1b = new FileRecord("r1", 1, "orders/r1/part-00001-001.parquet", 5, 50, "bb", T0);
        FileRecord c1a = new FileRecord("r1", 1, "orders/r1/part-00001-000.parquet", 6, 60, "aa", T0);
        FileRecord c0 = new FileRecord("r1", 0, "orders/r1/part-00000-000.parquet", 7, 70, "cc", T0.plusSeconds(1));
        store.recordFiles("orders", "r1", 1, List.of(c1b, c1a));
        store.recordFiles("orders", "r1", 0, List.of(c0));
        assertEquals(List.of(c0, c1a, c1b), store.files("orders", "r1"));

        FileRecord retried = new FileRecord("r1", 1, "orders/r1/part-00001-000.parquet", 11, 110, "dd", T0);
        store.recordFiles("orders", "r1", 1, List.of(retried));
        assertEquals(List.of(c0, retried), store.files("orders", "r1"));

        store.recordFiles("orders", "r1", 0, List.of());
        assertEquals(List.of(retried), store.files("orders", "r1"));
        assertEquals(List.of(), store.files("orders", "r2"));
        assertEquals(List.of(), store.files("other", "r1"));
    }

    // ---------------------------------------------------------------- run history

    @Test
    void recordRun_insertsThenReplacesByRunId() {
        FileStateStore store = open();
        RunRecord running = new RunRecord("r1", "orders", RunStatus.RUNNING, "chunked", T0, null, 0, 0, 0, 0, null);
        store.recordRun(running);
        assertEquals(List.of(running), store.runs("orders", 10));

        RunRecord failed = new RunRecord("r1", "orders", RunStatus.FAILED, "chunked", T0, T0.plusMillis(1500), 10,
                2048, 3, 2, "source closed the connection");
        store.recordRun(failed);
        assertEquals(List.of(failed), store.runs("orders", 10));
    }

    @Test
    void runs_newestFirst_limited_andPerExport() {
        FileStateStore store = open();
        RunRecord a = run("orders", "a", T0, RunStatus.SUCCEEDED);
        RunRecord c = run("orders", "c", T0.plusSeconds(20), RunStatus.FAILED);
        RunRecord b = run("orders", "b", T0.plusSeconds(10), RunStatus.SKIPPED);
        RunRecord x = run("other", "x", T0.plusSeconds(30), RunStatus.ABANDONED);
        for (RunRecord r : List.of(a, c, b, x)) {
            store.recordRun(r);
        }
        assertEquals(List.of(c, b, a), store.runs("orders", 10));
        assertEquals(List.of(c, b), store.runs("orders", 2));
        assertEquals(List.of(), store.runs("orders", 0));
        assertEquals(List.of(x), store.runs("other", 10));
        assertThrows(IllegalArgumentException.class, () -> store.runs("orders", -1));
    }

    @Test
    void runs_sameStart_keepFirstRecordedOrder_evenAfterReplace() {
        FileStateStore store = open();
        store.recordRun(run("orders", "first", T0, RunStatus.RUNNING));
        store.recordRun(run("orders", "second", T0, RunStatus.RUNNING));
        store.recordRun(run("orders", "first", T0, RunStatus.SUCCEEDED));
        assertEquals(List.of("first", "second"), store.runs("orders", 5).stream().map(RunRecord::runId).toList());
    }

    // ---------------------------------------------------------------- instants, durability, lifecycle

    @Test
    void instants_roundTripExactly() {
        List<Instant> instants = List.of(T0, Instant.EPOCH, Instant.ofEpochSecond(-86_400L * 365, 1),
                Instant.parse("2026-11-21T07:44:28Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.ofEpochSecond(1_763_710_000L, 100_000));
        FileStateStore store = open();
        int i = 0;
        for (Instant t : instants) {
            String id = "r" + i++;
            store.saveCursor(id, new CursorState("v", null, id, t));
            store.recordFiles("e", id, 0, List.of(new FileRecord(id, 0, "k", 1, 1, "s", t)));
            store.recordRun(new RunRecord(id, "e", RunStatus.SUCCEEDED, "full", t, t, 0, 0, 0, 0, null));
        }
        store.close();
        FileStateStore reopened = open();
        i = 0;
        for (Instant t : instants) {
            String id = "r" + i++;
            assertEquals(t, reopened.cursor(id).orElseThrow().updatedAt());
            assertEquals(t, reopened.files("e", id).get(0).committedAt());
        }
        List<RunRecord> runs = reopened.runs("e", 100);
        List<Instant> expected = new ArrayList<>(instants);
        expected.sort((p, q) -> q.compareTo(p));
        assertEquals(expected, runs.stream().map(RunRecord::startedAt).toList());
        assertEquals(expected, runs.stream().map(RunRecord::finishedAt).toList());
    }

    @Test
    void reopen_afterClose_keepsEverything() {
        FileStateStore store = open();
        CursorState cursor = new CursorState("99", "7", "r1", T0);
        ChunkRun chunkRun = plan("orders", "r1", "fp", 3);
        ChunkCheckpoint done = chunkRun.chunks().get(0).with(ChunkStatus.DONE, 10, 20, 1, null);
        FileRecord file = new FileRecord("r1", 0, "orders/r1/part-00000-000.csv", 10, 20, "ab12", T0);
        RunRecord record = run("orders", "r1", T0, RunStatus.FAILED);
        store.saveCursor("orders", cursor);
        store.startChunkRun(chunkRun);
        store.updateChunk("orders", "r1", done);
        store.recordFiles("orders", "r1", 0, List.of(file));
        store.recordRun(record);
        store.close();

        FileStateStore reopened = open();
        assertEquals(Optional.of(cursor), reopened.cursor("orders"));
        assertEquals(List.of(done, chunkRun.chunks().get(1), chunkRun.chunks().get(2)),
                reopened.unfinishedChunkRun("orders").orElseThrow().chunks());
        assertEquals(List.of(file), reopened.files("orders", "r1"));
        assertEquals(List.of(record), reopened.runs("orders", 5));
    }

    @Test
    void twoStoresOnOneFile_seeEachOthersWrites() {
        FileStateStore a = open();
        FileStateStore b = open();
        a.saveCursor("orders", new CursorState("5", null, "r1", T0));
        assertEquals("5", b.cursor("orders").orElseThrow().value());
        b.recordRun(run("orders", "r2", T0, RunStatus.SUCCEEDED));
        assertEquals(1, a.runs("orders", 5).size());
    }

    @Test
    void close_isIdempotent_andLaterCallsFail() {
        FileStateStore store = open();
        store.close();
        store.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.cursor("orders"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void databaseFailure_throwsRivetExceptionNamingFile() throws Exception {
        FileStateStore store = open();
        // Drop a table behind the store's back: the next write fails inside SQLite.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
                Statement st = c.createStatement()) {
            st.executeUpdate("DROP TABLE cursors");
        }
        RivetException e = assertThrows(RivetException.class,
                () -> store.saveCursor("orders", new CursorState("1", null, "r", T0)));
        assertEquals("orders", e.exportName());
        assertTrue(e.getMessage().contains(store.file().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("save the cursor"), e.getMessage());
        // The store remains usable for the other tables.
        store.recordRun(run("orders", "r1", T0, RunStatus.RUNNING));
        assertEquals(1, store.runs("orders", 1).size());
    }

    @Test
    void concurrentChunkUpdates_allLand() throws Exception {
        FileStateStore store = open();
        int threads = 8;
        int perThread = 40;
        ChunkRun run = plan("orders", "r1", "fp", threads * perThread);
        store.startChunkRun(run);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int index = thread * perThread + i;
                        ChunkCheckpoint c = run.chunks().get(index);
                        store.updateChunk("orders", "r1", c.with(ChunkStatus.RUNNING, 0, 0, 1, null));
                        store.updateChunk("orders", "r1", c.with(ChunkStatus.DONE, index, index * 10L, 1, null));
                        store.recordFiles("orders", "r1", index, List.of(
                                new FileRecord("r1", index, "k" + index, index, index * 10L, "h", T0)));
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
        List<ChunkCheckpoint> chunks = store.unfinishedChunkRun("orders").orElseThrow().chunks();
        assertEquals(threads * perThread, chunks.size());
        for (ChunkCheckpoint c : chunks) {
            assertEquals(ChunkStatus.DONE, c.status(), "chunk " + c.index());
            assertEquals(c.index(), c.rows());
            assertEquals(c.index() * 10L, c.bytes());
        }
        List<FileRecord> files = store.files("orders", "r1");
        assertEquals(threads * perThread, files.size());
        for (int i = 0; i < files.size(); i++) {
            assertEquals(i, files.get(i).chunk());
        }
    }

    // ---------------------------------------------------------------- same behaviour as the in-memory store

    @Test
    void sameScript_sameAnswers_asInMemoryStore() {
        StateStore memory = StateStores.inMemory();
        opened.add(memory);
        List<Object> fromFile = script(open());
        List<Object> fromMemory = script(memory);
        assertEquals(fromMemory, fromFile);
    }

    private static List<Object> script(StateStore s) {
        List<Object> out = new ArrayList<>();
        s.startChunkRun(plan("e", "r1", "f1", 3));
        s.startChunkRun(plan("e", "r2", "f2", 2));
        out.add(s.unfinishedChunkRun("e"));
        s.updateChunk("e", "r2", new ChunkCheckpoint(1, "x", "y", ChunkStatus.FAILED, 1, 2, 3, "boom"));
        out.add(s.unfinishedChunkRun("e"));
        s.closeChunkRun("e", "r2", false);
        out.add(s.unfinishedChunkRun("e"));
        s.startChunkRun(plan("e", "r2", "f3", 1));
        out.add(s.unfinishedChunkRun("e"));
        s.closeChunkRun("e", "r2", true);
        s.closeChunkRun("e", "r1", true);
        out.add(s.unfinishedChunkRun("e"));
        s.recordFiles("e", "r1", 2, List.of(new FileRecord("r1", 2, "z", 1, 1, "a", T0),
                new FileRecord("r1", 2, "a", 1, 1, "b", T0)));
        s.recordFiles("e", "r1", 0, List.of(new FileRecord("r1", 0, "m", 1, 1, "c", T0)));
        s.recordFiles("e", "r1", 2, List.of(new FileRecord("r1", 2, "q", 2, 2, "d", T0)));
        out.add(s.files("e", "r1"));
        s.recordRun(run("e", "r1", T0, RunStatus.RUNNING));
        s.recordRun(run("e", "r2", T0.plusSeconds(1), RunStatus.RUNNING));
        s.recordRun(run("e", "r3", T0, RunStatus.SKIPPED));
        s.recordRun(run("e", "r1", T0, RunStatus.SUCCEEDED));
        out.add(s.runs("e", 10));
        out.add(s.runs("e", 1));
        s.saveCursor("e", new CursorState("v1", null, "r1", T0));
        s.saveCursor("e", new CursorState("v2", "k", "r2", T0));
        out.add(s.cursor("e"));
        out.add(s.cursor("none"));
        return out;
    }
}
