package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Export;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.check.CheckReport;
import io.rivet.check.Finding;
import io.rivet.check.Severity;
import io.rivet.check.Verdict;
import io.rivet.core.testing.TestDatabases;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Rivet.check} against a real PostgreSQL, on fixtures built to trip one rule each: a cursor column without an
 * index, the (superuser) test user, a role with {@code CONNECTION LIMIT 2} under parallel 4, a role that may write, and
 * a clean setup (a SELECT-only role, an indexed cursor) that must come out READY.
 */
class PostgresCheckIT {
    private static final String PASSWORD = "rivet-check-pw";
    private static TestDatabases.PostgresDatabase db;
    private static String suffix;
    private static String limited;
    private static String reader;
    private static String writer;

    @TempDir
    Path out;
    private Rivet rivet;

    @BeforeAll
    static void fixtures() {
        db = TestDatabases.postgres().createDatabase("check_it");
        suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        limited = "rivet_ck_limited_" + suffix;
        reader = "rivet_ck_reader_" + suffix;
        writer = "rivet_ck_writer_" + suffix;
        db.execute(
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(10,2),"
                        + " updated_at timestamptz NOT NULL, code text, maybe int)",
                "INSERT INTO orders SELECT g, 'c' || (g % 50), g * 1.5, timestamptz '2024-01-01 00:00:00+00'"
                        + " + g * interval '1 minute', 'k' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE g END"
                        + " FROM generate_series(1, 1000) g",
                "CREATE TABLE events (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, payload jsonb)",
                "CREATE INDEX events_updated_at ON events (updated_at)",
                "INSERT INTO events SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',"
                        + " jsonb_build_object('g', g) FROM generate_series(1, 2000) g",
                // Big enough (150,000 rows) that a sequential scan of it is worth a warning.
                "CREATE TABLE readings (id bigint PRIMARY KEY, taken_at timestamptz NOT NULL, v double precision)",
                "INSERT INTO readings SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g"
                        + " FROM generate_series(1, 150000) g",
                "CREATE TABLE shapes (id int PRIMARY KEY, p point)",
                "CREATE TABLE secret (id int PRIMARY KEY)",
                "ANALYZE",
                "CREATE ROLE " + limited + " LOGIN PASSWORD '" + PASSWORD + "' CONNECTION LIMIT 2",
                "CREATE ROLE " + reader + " LOGIN PASSWORD '" + PASSWORD + "'",
                "CREATE ROLE " + writer + " LOGIN PASSWORD '" + PASSWORD + "'",
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + limited + ", " + reader + ", " + writer,
                "REVOKE SELECT ON secret FROM " + limited + ", " + reader + ", " + writer,
                "GRANT INSERT, UPDATE ON orders TO " + writer);
    }

    @AfterAll
    static void dropFixtures() {
        if (db != null) {
            // DROP OWNED revokes the roles' grants here and on the database, so the roles can go.
            db.execute("DROP OWNED BY " + limited + ", " + reader + ", " + writer,
                    "DROP ROLE " + limited, "DROP ROLE " + reader, "DROP ROLE " + writer);
            db.close();
        }
    }

    @BeforeEach
    void engine() {
        rivet = Rivet.builder().stateStore(StateStores.inMemory()).build();
    }

    @AfterEach
    void closeEngine() {
        rivet.close();
    }

    private Export.Builder export(String name, Source source) {
        return Export.builder().name(name).source(source).sink(Sink.local(out));
    }

    private static Source asTestUser() {
        return Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).password(db.password()).build();
    }

    private static Source as(String role) {
        return Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(role).password(PASSWORD).build();
    }

    private static boolean testUserIsSuperuser() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static List<String> codes(CheckReport r, Severity severity) {
        return r.findings(severity).stream().map(Finding::code).toList();
    }

    // ------------------------------------------------------------------ the purpose-built fixtures

    @Test
    void cursorWithoutIndex_isFlaggedWithTheCreateIndexStatement() {
        CheckReport r = rivet.check(export("orders_inc", as(reader)).table("public.orders")
                .mode(Mode.incremental("updated_at")).build());

        Finding f = r.finding("missing_index").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(Severity.WARN, f.severity());
        assertTrue(f.message().contains("cursor_column \"updated_at\" of public.orders"), f.message());
        assertEquals("CREATE INDEX CONCURRENTLY ON \"public\".\"orders\" (\"updated_at\");", f.fix());
        assertEquals(Verdict.READY_WITH_WARNINGS, r.verdict());
        assertEquals(1000, r.rowEstimate());
        // The upper-bound probe scans the table: the plan says so.
        assertTrue(r.facts().get("plan.upper_bound").contains("Seq Scan on public.orders"), r.facts().toString());
    }

    @Test
    void theTestUser_isFlaggedAsSuperuserWithTheSqlOfAReadOnlyRole() throws Exception {
        CheckReport r = rivet.check(export("events_su", asTestUser()).table("events")
                .mode(Mode.incremental("updated_at")).build());

        boolean superuser = testUserIsSuperuser();
        assertEquals(superuser, r.has("superuser"), r.findings().toString());
        assertEquals(String.valueOf(superuser), r.facts().get("superuser"));
        if (superuser) {
            Finding f = r.finding("superuser").orElseThrow();
            assertEquals(Severity.WARN, f.severity());
            assertTrue(f.fix().contains("CREATE ROLE rivet_reader LOGIN PASSWORD '<choose a password>'"
                    + " CONNECTION LIMIT 2;"), f.fix());
            assertTrue(f.fix().contains("GRANT SELECT ON \"public\".\"events\" TO rivet_reader;"), f.fix());
            assertTrue(f.fix().contains("GRANT CONNECT ON DATABASE \"" + db.name() + "\" TO rivet_reader;"), f.fix());
        }
    }

    @Test
    void roleWithConnectionLimit2_underParallel4_isNotReady() {
        CheckReport r = rivet.check(export("orders_chunked", as(limited)).table("orders")
                .mode(Mode.chunked().chunkSize(100).parallelism(4)).build());

        Finding f = r.finding("connection_headroom").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(Severity.FAIL, f.severity());
        assertTrue(f.message().contains("needs 5 connections (parallel 4 + 1 for planning), but user " + limited
                + " may open at most 2 connections"), f.message());
        assertEquals("Lower parallel to 1, or raise the user's connection limit to at least 5.", f.fix());
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals("2", r.facts().get("connections.user_limit"));
    }

    @Test
    void roleWithConnectionLimit2_isFineForASingleSnapshotExport() {
        CheckReport r = rivet.check(export("events_limited", as(limited)).table("events")
                .mode(Mode.incremental("updated_at")).build());

        assertFalse(r.has("connection_headroom"), r.findings().toString());
    }

    @Test
    void roleThatMayWrite_isFlagged() {
        CheckReport r = rivet.check(export("orders_writer", as(writer)).table("orders").build());

        Finding f = r.finding("write_privilege").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(Severity.WARN, f.severity());
        assertTrue(f.message().contains("user " + writer + " can INSERT, UPDATE on public.orders"), f.message());
        assertFalse(r.has("superuser"));
    }

    @Test
    void cleanSetup_isReady() {
        CheckReport r = rivet.check(export("events_clean", as(reader)).table("public.events")
                .mode(Mode.incremental("updated_at").tieBreaker("id")).build());

        assertEquals(List.of(), codes(r, Severity.FAIL));
        assertEquals(List.of(), codes(r, Severity.WARN));
        assertEquals(Verdict.READY, r.verdict());
        assertTrue(r.has("primary"));
        assertTrue(r.has("timeouts"));
        assertEquals(Profile.BALANCED, r.recommendedProfile());
        assertEquals(2000, r.rowEstimate());
        assertTrue(r.planSummary().startsWith("Seq Scan on public.events (rows=2000"), r.planSummary());
        assertTrue(r.facts().get("plan.upper_bound").contains("Index Only Scan Backward using events_updated_at"),
                r.facts().toString());
        assertEquals("false", r.facts().get("superuser"));
        assertEquals(reader, r.facts().get("user"));
    }

    // ------------------------------------------------------------------ structure

    @Test
    void missingTable_isNotReady() {
        CheckReport r = rivet.check(export("ghost", as(reader)).table("public.no_such_table").build());

        assertEquals(List.of("table_missing"), codes(r, Severity.FAIL));
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(-1, r.rowEstimate());
    }

    @Test
    void badQuery_isNotReady() {
        CheckReport r = rivet.check(export("bad_query", as(reader)).query("SELECT nope FROM orders").build());

        assertEquals(List.of("column_missing"), codes(r, Severity.FAIL));
        assertTrue(r.findings(Severity.FAIL).get(0).message().contains("SQLSTATE 42703"),
                r.findings(Severity.FAIL).toString());
    }

    @Test
    void modeColumns_areCheckedForExistenceTypeAndNulls() {
        CheckReport missing = rivet.check(export("c1", as(reader)).table("orders")
                .mode(Mode.incremental("changed_at")).build());
        assertEquals(List.of("column_missing"), codes(missing, Severity.FAIL));

        CheckReport text = rivet.check(export("c2", as(reader)).table("orders").mode(Mode.chunked("code")).build());
        assertEquals(List.of("column_type"), codes(text, Severity.FAIL));

        CheckReport nullable = rivet.check(export("c3", as(reader)).table("orders").mode(Mode.chunked("maybe"))
                .build());
        assertTrue(codes(nullable, Severity.WARN).contains("nullable_chunk_column"), nullable.findings().toString());
        assertTrue(codes(nullable, Severity.WARN).contains("missing_index"), nullable.findings().toString());
    }

    @Test
    void unmappedType_isNotReady() {
        CheckReport r = rivet.check(export("shapes", as(reader)).table("shapes").build());

        assertEquals(List.of("unsupported_type"), codes(r, Severity.FAIL));
        assertTrue(r.findings(Severity.FAIL).get(0).message().contains("\"p\""), r.findings().toString());
    }

    @Test
    void tableTheUserMayNotRead_isNotReady_once() {
        CheckReport r = rivet.check(export("secret", as(reader)).table("secret").build());

        assertEquals(List.of("permission_denied"), codes(r, Severity.FAIL), r.findings().toString());
        assertTrue(r.findings(Severity.FAIL).get(0).message().contains("SQLSTATE 42501"), r.findings().toString());
    }

    @Test
    void aSystemViewTheUserMayNotRead_isReportedAsNotChecked_andTheCheckGoesOn() {
        // Revoked in this test database only (system views are per database), and restored at the end.
        db.execute("REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC");
        try {
            CheckReport r = rivet.check(export("events_blind", as(reader)).table("events")
                    .mode(Mode.incremental("updated_at")).build());

            List<String> notChecked = r.findings(Severity.INFO).stream().filter(f -> f.code().equals("not_checked"))
                    .map(Finding::message).toList();
            assertEquals(2, notChecked.size(), notChecked.toString());
            assertTrue(notChecked.get(0).contains("could not check the connection limits and sessions: permission"
                    + " denied for view pg_stat_activity (SQLSTATE 42501)"), notChecked.toString());
            assertTrue(notChecked.get(1).contains("could not check long-running transactions"), notChecked.toString());
            assertEquals(Verdict.READY, r.verdict(), r.findings().toString());
            assertTrue(r.has("timeouts"), "probes after the failed one still ran");
            assertFalse(r.facts().containsKey("connections.server_limit"));
        } finally {
            db.execute("GRANT SELECT ON pg_catalog.pg_stat_activity TO PUBLIC");
        }
    }

    // ------------------------------------------------------------------ plans and chunks

    @Test
    void queryExport_scanningABigTable_isFlaggedFromThePlan() {
        CheckReport r = rivet.check(export("readings_q", as(reader))
                .query("SELECT id, taken_at, v FROM readings").mode(Mode.timeWindow("taken_at", Duration.ofDays(1)))
                .build());

        Finding scan = r.finding("seq_scan").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertTrue(scan.message().contains("sequential scan of public.readings (~150,000 rows)"), scan.message());
        assertTrue(r.has("index_not_checked"));
        assertTrue(r.planSummary().contains("Seq Scan on public.readings"), r.planSummary());
    }

    @Test
    void tableExport_withoutIndex_isReportedAsMissingIndexNotTwice() {
        CheckReport r = rivet.check(export("readings_t", as(reader)).table("readings")
                .mode(Mode.timeWindow("taken_at", Duration.ofDays(1))).build());

        assertTrue(r.has("missing_index"), r.findings().toString());
        assertFalse(r.has("seq_scan"), r.findings().toString());
    }

    @Test
    void chunked_readsTheKeyRangeThroughThePrimaryKeyAndFlagsSparseChunks() {
        CheckReport r = rivet.check(export("orders_sparse", as(reader)).table("orders")
                .mode(Mode.chunked().chunkSize(1)).build());

        assertEquals("1..1000", r.facts().get("chunk_key_range"));
        assertEquals("1000", r.facts().get("chunks"));
        assertTrue(r.has("sparse_chunks"), r.findings().toString());
        assertTrue(r.facts().get("plan.chunk").contains("orders_pkey"), r.facts().toString());
        assertFalse(r.has("missing_index"), r.findings().toString());
    }

    @Test
    void bigTableOnAPrimary_recommendsSafe_andFlagsALongSnapshotOnlyAtAMillionRows() {
        CheckReport r = rivet.check(export("readings_full", as(reader)).table("readings").build());

        assertEquals(Profile.BALANCED, r.recommendedProfile(), r.profileReason());
        assertFalse(r.has("long_snapshot"));
        assertEquals(150_000, r.rowEstimate());
    }

    @Test
    void fastOnAPrimary_isFlagged() {
        CheckReport r = rivet.check(export("events_fast", as(reader)).table("events").profile(Profile.FAST).build());

        assertTrue(r.has("fast_on_primary"), r.findings().toString());
        assertFalse(r.has("timeouts_off"), "fast_on_primary already says it");
        assertTrue(r.has("profile"));
    }
}
