package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.MySqlDatabase;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.CheckFailedException;
import io.rivet.exception.SourceException;
import io.rivet.state.RunRecord;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults injected into the real MySQL/MariaDB server while an export runs (the local MariaDB here), and the strict
 * types policy on the one lossy MySQL mapping (zero dates as NULL).
 */
class MySqlFaultInjectionIT {
    private static MySqlDatabase db;

    @TempDir
    Path out;

    @BeforeAll
    static void database() {
        db = TestDatabases.mysql().createDatabase("fault_my");
        db.execute("CREATE TABLE digits (n int PRIMARY KEY)",
                "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)",
                "CREATE TABLE faulty (id int PRIMARY KEY, v varchar(200) NOT NULL)",
                "INSERT INTO faulty SELECT n, REPEAT(MD5(n), 4) FROM (SELECT a.n + 10 * b.n + 100 * c.n"
                        + " + 1000 * d.n + 10000 * e.n + 1 AS n FROM digits a, digits b, digits c, digits d,"
                        + " digits e) seq WHERE n <= 60000",
                // Zero dates need a sql_mode without NO_ZERO_DATE / NO_ZERO_IN_DATE (MariaDB's default has neither).
                "SET SESSION sql_mode = ''",
                "CREATE TABLE zero_dates (id int PRIMARY KEY, d date, ts datetime(6))",
                "INSERT INTO zero_dates VALUES (1, '2024-05-01', '2024-05-01 10:00:00'), (2, '0000-00-00', NULL),"
                        + " (3, '2024-00-15', '0000-00-00 00:00:00'), (4, NULL, '2024-05-01 10:00:00.000001'),"
                        + " (5, '0000-00-00', '2024-05-00 00:00:00')");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private Export.Builder export(String name, String url) {
        return Export.builder().name(name).source(Source.builder().url(url).user(db.user()).password(db.password())
                        .build()).throttle(Duration.ZERO)
                .profile(Profile.BALANCED.toBuilder().retryBackoff(Duration.ofMillis(100)).build());
    }

    @Test
    void connectionKilledMidChunk_isRetriedOnANewConnectionAndEndsExact() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        // When chunk 2 (ids 20001..40000) has written its first bytes, it has more keyset pages to read: kill its
        // connection (and the pool's idle ones) from another session, as an administrator or a failover would.
        Sink sink = new FailingSink(Sink.local(out), "\u0000") {
            @Override
            public io.rivet.spi.ObjectWriter open(String key) {
                io.rivet.spi.ObjectWriter real = super.open(key);
                if (key.contains("part-00001-") && killed.compareAndSet(false, true)) {
                    killExportConnections();
                }
                return real;
            }
        };
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            ExportResult r = rivet.run(export("killed", db.jdbcUrl()).table("faulty").sink(sink).batchRows(500)
                    .mode(Mode.chunked("id").chunkSize(20_000)).build());
            assertTrue(killed.get());
            assertEquals(1, r.retries(), "one retry of the killed chunk");
            assertEquals(60_000, r.rows());
            // Connector/J reports the dead connection as a communications failure: SQLSTATE 08S01 when the socket
            // breaks under a statement, 08003 when the driver already knows it closed, and S1000 (with a
            // CJCommunicationsException cause) when it breaks while the result set is being closed.
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("08S01") || w.contains("08003")
                    || w.contains("Communications link failure")), r.warnings().toString());
            try (DuckDb duck = new DuckDb()) {
                List<String> files = new ArrayList<>();
                DuckDb.manifestKeys(out.resolve(r.manifestKey())).forEach(k -> files.add("'" + out.resolve(k) + "'"));
                assertEquals(List.of(List.of("60000", "60000", "1800030000")), duck.rows(
                        "SELECT count(*), count(DISTINCT id), sum(id) FROM read_parquet([" + String.join(",", files)
                                + "])"));
            }
            RunRecord record = rivet.stateStore().runs("killed", 1).get(0);
            assertEquals(1, record.retries(), "the retry is in the run history");
        }
    }

    @Test
    void statementLimit_failsWithAClearNonRetryableMessageAndPublishesNothing() {
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            // A seven-way cross join counts 10^7 rows: far beyond 200 ms (max_statement_time on MariaDB,
            // max_execution_time on MySQL).
            SourceException e = assertThrows(SourceException.class, () -> rivet.run(export("slow", db.jdbcUrl())
                    .sink(Sink.local(out)).query("SELECT count(*) AS c FROM digits a, digits b, digits c, digits d,"
                            + " digits e, digits f, digits g")
                    .statementTimeout(Duration.ofMillis(200)).build()));
            assertEquals(TestDatabases.mysql().isMariaDb() ? 1969 : 3024, e.vendorCode(), e.toString());
            assertFalse(e.retryable(), "a statement limit would only be hit again");
            assertTrue(e.getMessage().contains("statement"), e.getMessage());
        }
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("slow")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void zeroDatesAsNull_areCountedPerColumnInTheWarnings(String format) {
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            ExportResult r = rivet.run(export("zeros_" + format, zeroDatesAsNullUrl()).table("zero_dates")
                    .format(format.equals("csv") ? Format.csv() : Format.parquet()).sink(Sink.local(out))
                    .batchRows(2).build());
            assertEquals(5, r.rows());
            assertEquals(List.of(
                    "3 value(s) not exported exactly in column \"d\": zero date exported as NULL"
                            + " (zeroDateTimeBehavior=CONVERT_TO_NULL)",
                    "2 value(s) not exported exactly in column \"ts\": zero date exported as NULL"
                            + " (zeroDateTimeBehavior=CONVERT_TO_NULL)"), r.warnings());
            assertEquals(r.warnings(), rivet.stateStore().runs("zeros_" + format, 1).get(0).warnings(),
                    "the run history keeps the counts");
            String files = "'" + out.resolve("zeros_" + format) + "/**/*." + format + "'";
            try (DuckDb duck = new DuckDb()) {
                String read = format.equals("csv") ? "read_csv(" + files
                        + ", header=true, allow_quoted_nulls=false, all_varchar=true)"
                        : "read_parquet(" + files + ")";
                assertEquals(List.of(List.of("1", "2024-05-01", "2024-05-01 10:00:00"),
                        java.util.Arrays.asList("2", null, null), java.util.Arrays.asList("3", null, null),
                        java.util.Arrays.asList("4", null, "2024-05-01 10:00:00.000001"),
                        java.util.Arrays.asList("5", null, null)),
                        duck.rows("SELECT id::int, CAST(CAST(d AS DATE) AS VARCHAR),"
                                + " CAST(CAST(ts AS TIMESTAMP) AS VARCHAR) FROM " + read + " ORDER BY id"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void strictTypes_failsAtTheFirstZeroDateNamingTheColumnAndPublishesNothing(String format) {
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            CheckFailedException e = assertThrows(CheckFailedException.class, () -> rivet.run(
                    export("strict_" + format, zeroDatesAsNullUrl()).table("zero_dates").strictTypes(true)
                            .format(format.equals("csv") ? Format.csv() : Format.parquet()).sink(Sink.local(out))
                            .build()));
            assertEquals("strict_types", e.check());
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("column \"d\"") && e.getMessage().contains("zero date"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("strict_types: false"), "the message names the way out");
            assertFalse(e.getMessage().contains("0000-00-00"), "never the value: " + e.getMessage());
        }
        assertEquals(List.of(), DuckDb.filesUnder(out.resolve("strict_" + format)));
    }

    @Test
    void strictTypes_passesATableWithoutLossyValues() {
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            ExportResult r = rivet.run(export("strict_ok", zeroDatesAsNullUrl())
                    .query("SELECT * FROM zero_dates WHERE id IN (1, 4)").strictTypes(true).sink(Sink.local(out))
                    .build());
            assertEquals(2, r.rows());
            assertEquals(List.of(), r.warnings());
        }
    }

    private static String zeroDatesAsNullUrl() {
        return db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "zeroDateTimeBehavior=CONVERT_TO_NULL";
    }

    private static void killExportConnections() {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE()"
                    + " AND ID <> CONNECTION_ID()")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            if (ids.isEmpty()) {
                throw new IllegalStateException("no export connection was open");
            }
            for (long id : ids) {
                s.execute("KILL CONNECTION " + id);
            }
        } catch (java.sql.SQLException | IllegalStateException e) {
            throw new IllegalStateException("killing the export's connections failed: " + e.getMessage(), e);
        }
    }
}
