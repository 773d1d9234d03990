package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Mode;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.RivetException;
import io.rivet.exception.SinkException;
import io.rivet.exception.SourceException;
import io.rivet.state.RunRecord;
import io.rivet.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults injected into the real server and the real file system while an export runs. */
class FaultInjectionIT {
    private static TestDatabases.PostgresDatabase db;

    @TempDir
    Path out;

    @BeforeAll
    static void database() {
        db = TestDatabases.postgres().createDatabase("fault_it");
        db.execute("CREATE TABLE faulty (id int PRIMARY KEY, v text NOT NULL)",
                "INSERT INTO faulty SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 60000) g");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private Export.Builder export(String name) {
        return Export.builder().name(name).source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .table("faulty").throttle(Duration.ZERO)
                .profile(io.rivet.Profile.BALANCED.toBuilder().retryBackoff(Duration.ofMillis(100)).build());
    }

    @Test
    void backendTerminatedMidChunk_isRetriedOnANewConnectionAndEndsExact() throws Exception {
        AtomicBoolean terminated = new AtomicBoolean();
        // When chunk 2 (ids 20001..40000) has written its first bytes, its cursor is open with more to fetch: end
        // the backend that runs it, as an administrator or a failover would.
        Sink sink = new FailingSink(Sink.local(out), "\u0000") {
            @Override
            public io.rivet.spi.ObjectWriter open(String key) {
                io.rivet.spi.ObjectWriter real = super.open(key);
                if (key.contains("part-00001-") && terminated.compareAndSet(false, true)) {
                    terminateExportBackends();
                }
                return real;
            }
        };
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            ExportResult r = rivet.run(export("terminated").sink(sink).batchRows(500)
                    .mode(Mode.chunked("id").chunkSize(20_000)).build());
            assertTrue(terminated.get());
            assertEquals(1, r.retries(), "one retry of the terminated chunk");
            assertEquals(60_000, r.rows());
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("57P01")), r.warnings().toString());
            try (DuckDb duck = new DuckDb()) {
                List<String> files = new ArrayList<>();
                DuckDb.manifestKeys(out.resolve(r.manifestKey())).forEach(k -> files.add("'" + out.resolve(k) + "'"));
                assertEquals(List.of(List.of("60000", "60000", "1800030000")), duck.rows(
                        "SELECT count(*), count(DISTINCT id), sum(id) FROM read_parquet([" + String.join(",", files)
                                + "])"));
            }
            RunRecord record = rivet.stateStore().runs("terminated", 1).get(0);
            assertEquals(1, record.retries(), "the retry is in the run history");
        }
    }

    @Test
    void statementTimeout_failsWithAClearMessageAndPublishesNothing() {
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            SourceException e = assertThrows(SourceException.class, () -> rivet.run(export("slow")
                    .sink(Sink.local(out)).query("SELECT g, (SELECT 1 FROM pg_sleep(0.3)) AS slept FROM generate_series(1, 5) g")
                    .statementTimeout(Duration.ofMillis(200)).build()));
            assertEquals("57014", e.sqlState());
            assertFalse(e.retryable(), "a statement timeout would only time out again");
            assertTrue(e.getMessage().contains("statement timeout"), e.getMessage());
        }
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("slow")));
    }

    @Test
    void diskFull_failsWithoutLeavingAPartialFile() throws Exception {
        Path small = Files.createDirectories(out.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        assertTrue(mount.waitFor(30, TimeUnit.SECONDS));
        String mountOutput = new String(mount.getInputStream().readAllBytes());
        // A size-limited file system needs root (as in CI); anything else is a failure, not a silent skip.
        assertEquals(0, mount.exitValue(), "mounting a 512 KB tmpfs for the disk-full test failed: " + mountOutput);
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            RivetException e = assertThrows(RivetException.class, () -> rivet.run(export("full_disk")
                    .sink(Sink.local(small)).format(io.rivet.Format.csv()).build()));
            assertTrue(e instanceof SinkException, e.toString());
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("No space left") || e.getMessage().contains("disk"), e.getMessage());
            assertEquals(List.of(), DuckDb.filesUnder(small), "no partial or staged file remains");
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void terminateExportBackends() {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        + " AND query LIKE 'FETCH FORWARD%'")) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            if (n == 0) {
                throw new IllegalStateException("no export backend was running a FETCH");
            }
        } catch (java.sql.SQLException | IllegalStateException e) {
            throw new IllegalStateException("terminating the export's backend failed: " + e.getMessage(), e);
        }
    }

}
