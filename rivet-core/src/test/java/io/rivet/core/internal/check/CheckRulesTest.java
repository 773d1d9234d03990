package io.rivet.core.internal.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Export;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.check.CheckReport;
import io.rivet.check.Finding;
import io.rivet.check.Severity;
import io.rivet.check.Verdict;
import io.rivet.core.internal.check.CheckFacts.PlanKind;
import io.rivet.core.internal.dialect.postgres.PostgresDialect;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.SourceInspector;
import io.rivet.core.spi.SourceInspector.Connections;
import io.rivet.core.spi.SourceInspector.Server;
import io.rivet.state.CursorState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The judging rules of {@code rivet check}, from hand-made facts: no database. */
class CheckRulesTest {
    private static final SourceInspector PG = new PostgresDialect().inspector().orElseThrow();
    private static final List<Column> COLUMNS = List.of(new Column("id", ColumnType.INT64, "int8"),
            new Column("updated_at", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"),
            new Column("name", ColumnType.STRING, "text"));

    private static Export.Builder export() {
        return Export.builder().name("orders").source(Source.jdbcUrl("jdbc:postgresql://db/shop"))
                .table("public.orders").sink(Sink.local(Path.of("out")));
    }

    private static Server server(boolean replica, Duration lag, Duration idle, boolean cancels) {
        return new Server("PostgreSQL", "15.6", "shop", "rivet", replica, lag, Duration.ZERO, Duration.ZERO, idle,
                cancels, Map.of("max_standby_streaming_delay", "30000ms"));
    }

    /** Facts of a healthy, indexed, moderately sized table on a primary, read by a plain user. */
    private static CheckFacts facts(Export e, long rows) {
        CheckFacts f = new CheckFacts(e, "public.orders");
        f.dialect = "postgres";
        f.inspector = PG;
        f.server = server(false, null, Duration.ZERO, false);
        f.table = new SourceInspector.Table("public.orders", "table", rows, rows * 100,
                List.of(new SourceInspector.TableColumn("id", "bigint", false),
                        new SourceInspector.TableColumn("updated_at", "timestamp with time zone", false),
                        new SourceInspector.TableColumn("name", "text", true)), List.of("id"));
        f.columns = COLUMNS;
        f.primaryKey = List.of("id");
        f.indexes = List.of(new SourceInspector.Index("orders_pkey", "btree", List.of("id"), true, true, false, true),
                new SourceInspector.Index("orders_updated_at", "btree", List.of("updated_at"), false, false, false,
                        true));
        f.readTables.add("public.orders");
        f.privileges = new SourceInspector.Privileges("rivet", false, List.of(), List.of(), Map.of());
        f.connections = new Connections(97, 10, -1, 1, -1, 5, false);
        f.transactions = new SourceInspector.Transactions(0, List.of());
        f.plans.put(PlanKind.READ, new SourceInspector.Plan(rows, 100, "Seq Scan on public.orders (rows=" + rows
                + ", cost=100)", List.of("public.orders"), List.of(new SourceInspector.Scan("public.orders", rows))));
        return f;
    }

    private static List<String> codes(CheckReport r, Severity s) {
        return r.findings(s).stream().map(Finding::code).toList();
    }

    @Test
    void healthySetup_isReadyWithBalanced() {
        CheckReport r = CheckRules.evaluate(facts(export().mode(Mode.incremental("updated_at")).build(), 5_000));
        assertEquals(Verdict.READY, r.verdict(), r.findings().toString());
        assertEquals(Profile.BALANCED, r.recommendedProfile());
        assertEquals(5_000, r.rowEstimate());
        assertEquals(List.of("primary", "timeouts"), codes(r, Severity.INFO));
    }

    @Test
    void findings_areOrderedMostSevereFirst() {
        CheckFacts f = facts(export().mode(Mode.incremental("updated_at")).build(), 5_000);
        f.tableMissing = true;
        f.privileges = new SourceInspector.Privileges("rivet", true, List.of(), List.of(), Map.of());
        CheckReport r = CheckRules.evaluate(f);
        assertEquals(Severity.FAIL, r.findings().get(0).severity());
        assertEquals(Severity.WARN, r.findings().get(1).severity());
        assertEquals(Severity.INFO, r.findings().get(r.findings().size() - 1).severity());
    }

    @Test
    void replica_recommendsFast_andFlagsLagAndRecoveryConflicts() {
        CheckFacts f = facts(export().build(), 5_000_000);
        f.server = server(true, Duration.ofMinutes(12), Duration.ZERO, true);
        CheckReport r = CheckRules.evaluate(f);
        assertEquals(Profile.FAST, r.recommendedProfile());
        assertTrue(r.has("replica"));
        assertFalse(r.has("primary"));
        assertTrue(r.finding("replication_lag").orElseThrow().message().contains("12m old"));
        assertTrue(r.finding("replica_conflicts").orElseThrow().message().contains("30000ms"));
        assertFalse(r.has("long_snapshot"), "a long snapshot on a replica holds back no vacuum on the primary");
        assertFalse(r.has("timeouts_off"));

        f.server = server(true, Duration.ofSeconds(3), Duration.ZERO, false);
        CheckReport fresh = CheckRules.evaluate(f);
        assertFalse(fresh.has("replication_lag"));
        assertFalse(fresh.has("replica_conflicts"));
    }

    @Test
    void bigTableOnAPrimary_recommendsSafe_andFlagsAFullReadAsALongSnapshot() {
        CheckReport r = CheckRules.evaluate(facts(export().build(), 2_400_000));
        assertEquals(Profile.SAFE, r.recommendedProfile());
        assertTrue(r.profileReason().contains("~2,400,000 rows"), r.profileReason());
        assertTrue(r.finding("long_snapshot").orElseThrow().message().contains("reads ~2,400,000 rows"));
        Finding profile = r.finding("profile").orElseThrow();
        assertEquals(Severity.INFO, profile.severity());
        assertEquals("tuning: {profile: safe}", profile.fix());

        CheckReport chunked = CheckRules.evaluate(facts(export().mode(Mode.chunked()).build(), 2_400_000));
        assertFalse(chunked.has("long_snapshot"));
    }

    @Test
    void incrementalWithAStoredCursor_isNotALongSnapshot_butItsFirstRunIs() {
        Export e = export().mode(Mode.incremental("updated_at")).build();
        assertTrue(CheckRules.evaluate(facts(e, 3_000_000)).finding("long_snapshot").orElseThrow().message()
                .contains("the first incremental run"));
        CheckFacts later = facts(e, 3_000_000);
        later.storedCursor = new CursorState("2024-01-01 00:00:00+00", null, "r1", Instant.EPOCH);
        later.plans.put(PlanKind.READ, new SourceInspector.Plan(40, 9, "Index Scan using orders_updated_at on"
                + " public.orders (rows=40, cost=9)", List.of("public.orders"), List.of()));
        CheckReport r = CheckRules.evaluate(later);
        assertFalse(r.has("long_snapshot"));
        assertEquals(40, r.rowEstimate());
    }

    @Test
    void missingIndex_perModeColumn_withTheIndexStatement() {
        CheckFacts f = facts(export().mode(Mode.timeWindow("updated_at", Duration.ofDays(1))).build(), 5_000);
        f.indexes = List.of(f.indexes.get(0),
                new SourceInspector.Index("partial", "btree", List.of("updated_at"), false, false, true, true),
                new SourceInspector.Index("broken", "btree", List.of("updated_at"), false, false, false, false),
                new SourceInspector.Index("hashed", "hash", List.of("updated_at"), false, false, false, true));
        Finding missing = CheckRules.evaluate(f).finding("missing_index").orElseThrow();
        assertEquals("CREATE INDEX CONCURRENTLY ON \"public\".\"orders\" (\"updated_at\");", missing.fix());
        assertTrue(missing.message().contains("time_column \"updated_at\""), missing.message());

        // A BRIN index serves a window's range, but not the incremental cursor's ORDER BY ... LIMIT 1.
        f.indexes = List.of(new SourceInspector.Index("brin", "brin", List.of("updated_at"), false, false, false,
                true));
        assertFalse(CheckRules.evaluate(f).has("missing_index"));
        CheckFacts inc = facts(export().mode(Mode.incremental("updated_at")).build(), 5_000);
        inc.indexes = f.indexes;
        assertTrue(CheckRules.evaluate(inc).has("missing_index"));
    }

    @Test
    void seqScan_ofABigTable_isFlaggedForTheModesProbes_butNotForAFullRead() {
        Export e = export().mode(Mode.timeWindow("updated_at", Duration.ofDays(1))).build();
        CheckFacts f = facts(e, 500_000);
        CheckReport r = CheckRules.evaluate(f);
        Finding scan = r.finding("seq_scan").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertTrue(scan.message().contains("sequential scan of public.orders (~500,000 rows) for the export's read"),
                scan.message());
        assertTrue(scan.fix().contains("ANALYZE \"public\".\"orders\";"), scan.fix());

        assertFalse(CheckRules.evaluate(facts(export().build(), 500_000)).has("seq_scan"));
        assertFalse(CheckRules.evaluate(facts(e, 50_000)).has("seq_scan"), "a small table");
    }

    @Test
    void connectionHeadroom_serverDatabaseAndUserLimits() {
        Export e = export().mode(Mode.chunked().parallelism(8)).build();
        CheckFacts f = facts(e, 5_000);
        f.connections = new Connections(97, 92, -1, 1, -1, 5, false);
        Finding server = CheckRules.evaluate(f).finding("connection_headroom").orElseThrow();
        assertTrue(server.message().contains("needs 9 connections (parallel 8 + 1 for planning), but the server"
                + " accepts 97 connections from user rivet and 91 are already open besides this check, leaving 6."),
                server.message());
        assertEquals("Lower parallel to 5, or raise max_connections, or close idle sessions.", server.fix());

        f.connections = new Connections(97, 10, -1, 1, 8, 3, false);
        Finding database = CheckRules.evaluate(f).finding("connection_headroom").orElseThrow();
        assertTrue(database.message().contains("database shop accepts at most 8 connections"), database.message());

        f.connections = new Connections(97, 81, -1, 1, -1, 5, true);
        CheckReport low = CheckRules.evaluate(f);
        assertFalse(low.has("connection_headroom"));
        Finding warn = low.finding("connection_headroom_low").orElseThrow();
        assertTrue(warn.message().contains("only 8 of the server's 97 connections stay free"), warn.message());
        assertTrue(warn.message().contains("estimated"), warn.message());
        assertEquals("81 (estimated)", low.facts().get("connections.server_in_use"));

        f.connections = new Connections(97, 10, 1, 1, -1, 5, false);
        Finding single = CheckRules.evaluate(f).finding("connection_headroom").orElseThrow();
        assertEquals("Raise the user's connection limit to at least 9.", single.fix());
    }

    @Test
    void idleInTransactionTimeout_failsWhenTheThrottleAloneExceedsIt() {
        Export safeFull = export().profile(Profile.SAFE).build();
        CheckFacts f = facts(safeFull, 5_000);
        f.server = server(false, null, Duration.ofMillis(400), false);
        Finding fail = CheckRules.evaluate(f).finding("idle_in_transaction_timeout").orElseThrow();
        assertEquals(Severity.FAIL, fail.severity(), fail.message());

        CheckFacts chunked = facts(export().profile(Profile.SAFE).mode(Mode.chunked()).build(), 5_000);
        chunked.server = server(false, null, Duration.ofMillis(400), false);
        assertEquals(Severity.WARN, CheckRules.evaluate(chunked).finding("idle_in_transaction_timeout")
                .orElseThrow().severity(), "chunked mode pauses between transactions");

        f.server = server(false, null, Duration.ofMinutes(10), false);
        assertFalse(CheckRules.evaluate(f).has("idle_in_transaction_timeout"));
    }

    @Test
    void timeoutsOff_andFastOnAPrimary() {
        Profile noTimeouts = Profile.custom().statementTimeout(Duration.ZERO).build();
        assertTrue(CheckRules.evaluate(facts(export().profile(noTimeouts).build(), 10)).has("timeouts_off"));
        CheckReport fast = CheckRules.evaluate(facts(export().profile(Profile.FAST).build(), 10));
        assertTrue(fast.has("fast_on_primary"));
        assertFalse(fast.has("timeouts_off"));
    }

    @Test
    void longTransactions_andHiddenSessions() {
        CheckFacts f = facts(export().build(), 10);
        f.transactions = new SourceInspector.Transactions(3, List.of(
                new SourceInspector.LongTransaction(4242, "app", "idle in transaction", Duration.ofMinutes(47))));
        CheckReport r = CheckRules.evaluate(f);
        Finding l = r.finding("long_transactions").orElseThrow();
        assertTrue(l.message().contains("session 4242 (user app, idle in transaction, open 47m)"), l.message());
        assertTrue(l.message().contains("hold back vacuum"), l.message());
        assertTrue(l.fix().contains("interval '300 seconds'"), l.fix());
        assertEquals("GRANT pg_read_all_stats TO \"rivet\";", r.finding("sessions_hidden").orElseThrow().fix());
    }

    @Test
    void chunkStatistics_tooManySparseOversized() {
        CheckFacts many = facts(export().mode(Mode.chunked().chunkSize(10)).build(), 1_000);
        many.keyMin = 0L;
        many.keyMax = 100_000_000L;
        Finding tooMany = CheckRules.evaluate(many).finding("too_many_chunks").orElseThrow();
        assertEquals(Severity.FAIL, tooMany.severity());
        assertEquals("Raise chunk_size to at least 101.", tooMany.fix());

        CheckFacts sparse = facts(export().mode(Mode.chunked().chunkSize(1_000)).build(), 50_000);
        sparse.keyMin = 1L;
        sparse.keyMax = 100_000_000L;
        assertTrue(CheckRules.evaluate(sparse).has("sparse_chunks"));

        CheckFacts big = facts(export().mode(Mode.chunked().chunkSize(100_000_000)).build(), 90_000_000);
        big.keyMin = 1L;
        big.keyMax = 90_000_000L;
        Finding oversized = CheckRules.evaluate(big).finding("oversized_chunks").orElseThrow();
        assertEquals("Lower chunk_size to about 1111111 so each chunk's transaction stays short.", oversized.fix());
    }

    @Test
    void privileges_superuserWritesAndExtraPowers() {
        CheckFacts f = facts(export().mode(Mode.chunked().parallelism(2)).build(), 10);
        f.privileges = new SourceInspector.Privileges("postgres", true, List.of("CREATEROLE"), List.of(), Map.of());
        CheckReport su = CheckRules.evaluate(f);
        assertTrue(su.finding("superuser").orElseThrow().fix().contains("CONNECTION LIMIT 4;"));
        assertFalse(su.has("extra_privileges"), "a superuser's powers are already the finding");

        f.privileges = new SourceInspector.Privileges("etl", false, List.of("REPLICATION"), List.of("public.orders"),
                Map.of("public.orders", List.of("DELETE")));
        CheckReport plain = CheckRules.evaluate(f);
        assertTrue(plain.finding("write_privilege").orElseThrow().message().contains("can DELETE on public.orders"));
        assertTrue(plain.has("extra_privileges"));
        assertEquals(Severity.FAIL, plain.finding("permission_denied").orElseThrow().severity());
    }

    @Test
    void withoutAnInspector_onlyStructureIsJudged_andTheGapIsSaid() {
        CheckFacts f = new CheckFacts(export().mode(Mode.chunked("id")).build(), "public.orders");
        f.dialect = "mysql";
        f.columns = COLUMNS;
        CheckReport r = CheckRules.evaluate(f);
        assertEquals(Verdict.READY, r.verdict());
        assertTrue(r.finding("not_checked").orElseThrow().message().contains("dialect mysql"));
        assertEquals(Profile.BALANCED, r.recommendedProfile());
        assertEquals("whether the source is a replica is unknown", r.profileReason());
    }

    @Test
    void notChecked_probesBecomeInfo() {
        CheckFacts f = facts(export().build(), 10);
        f.connections = null;
        f.notChecked("the connection limits and sessions", "permission denied for view pg_stat_activity"
                + " (SQLSTATE 42501)");
        CheckReport r = CheckRules.evaluate(f);
        assertEquals(Verdict.READY, r.verdict());
        assertTrue(r.finding("not_checked").orElseThrow().message().contains("could not check the connection"
                + " limits and sessions: permission denied"));
    }
}
