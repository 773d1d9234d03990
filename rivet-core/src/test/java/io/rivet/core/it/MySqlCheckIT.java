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
import io.rivet.core.internal.dialect.mysql.MySqlDialect;
import io.rivet.core.spi.SessionSettings;
import io.rivet.core.spi.SourceInspector;
import io.rivet.core.testing.MySqlDatabase;
import io.rivet.core.testing.TestDatabases;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * {@code Rivet.check} against the real MySQL or MariaDB of {@link TestDatabases#mysql()} (the local MariaDB here), on
 * fixtures built to trip one rule each, as {@link PostgresCheckIT} does for PostgreSQL: a cursor column without an
 * index, the test user (root: a superuser), a user with {@code MAX_USER_CONNECTIONS 2} under parallel 4, a user that
 * may write, and a clean setup (a SELECT-only user, an indexed cursor) that must come out READY. The SELECT-only users
 * lack {@code PROCESS} and the replication-monitor privilege, so they also show how facts the user may not read are
 * reported.
 */
class MySqlCheckIT {
    private static final String PASSWORD = "rivet-check-pw";
    /** Rows 1..N of a digits cross join: portable between MySQL 8 and MariaDB. */
    private static final String SEQ = "(SELECT a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n + 100000 * f.n"
            + " + 1 AS n FROM digits a, digits b, digits c, digits d, digits e, digits f) seq";
    private static MySqlDatabase db;
    private static String limited;
    private static String reader;
    private static String writer;

    @TempDir
    Path out;
    private Rivet rivet;

    @BeforeAll
    static void fixtures() {
        db = TestDatabases.mysql().createDatabase("check_it");
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        limited = "rivet_ck_lim_" + suffix;
        reader = "rivet_ck_rd_" + suffix;
        writer = "rivet_ck_wr_" + suffix;
        String d = "`" + db.name() + "`";
        db.execute("CREATE TABLE digits (n int PRIMARY KEY)",
                "INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)",
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(20), amount decimal(10,2),"
                        + " updated_at datetime(6) NOT NULL, code varchar(20), maybe int)",
                "INSERT INTO orders SELECT n, CONCAT('c', n % 50), n * 1.5, TIMESTAMP('2024-01-01') + INTERVAL n MINUTE,"
                        + " CONCAT('k', n), CASE WHEN n % 10 = 0 THEN NULL ELSE n END FROM " + SEQ + " WHERE n <= 1000",
                "CREATE TABLE tickets (id int PRIMARY KEY, updated_at datetime(6) NOT NULL)",
                "INSERT INTO tickets SELECT n, TIMESTAMP('2024-01-01') + INTERVAL n SECOND FROM " + SEQ
                        + " WHERE n <= 300",
                "CREATE TABLE events (id bigint PRIMARY KEY, updated_at timestamp(6) NOT NULL, payload json,"
                        + " KEY events_updated_at (updated_at))",
                "INSERT INTO events SELECT n, TIMESTAMP('2024-01-01') + INTERVAL n SECOND, JSON_OBJECT('g', n)"
                        + " FROM " + SEQ + " WHERE n <= 2000",
                // Big enough (150,000 rows) that a full scan of it is worth a warning.
                "CREATE TABLE readings (id bigint PRIMARY KEY, taken_at datetime(6) NOT NULL, v double)",
                "INSERT INTO readings SELECT n, TIMESTAMP('2024-01-01') + INTERVAL n SECOND, n FROM " + SEQ
                        + " WHERE n <= 150000",
                "CREATE TABLE shapes (id int PRIMARY KEY, p point)",
                "CREATE TABLE secret (id int PRIMARY KEY)",
                "ANALYZE TABLE orders, tickets, events, readings, shapes, secret",
                "CREATE USER '" + limited + "'@'%' IDENTIFIED BY '" + PASSWORD + "' WITH MAX_USER_CONNECTIONS 2",
                "CREATE USER '" + reader + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "CREATE USER '" + writer + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
        for (String user : List.of(limited, reader, writer)) {
            for (String table : List.of("orders", "tickets", "events", "readings", "shapes")) {
                db.execute("GRANT SELECT ON " + d + ".`" + table + "` TO '" + user + "'@'%'");
            }
        }
        db.execute("GRANT INSERT, UPDATE ON " + d + ".`orders` TO '" + writer + "'@'%'");
    }

    @AfterAll
    static void dropFixtures() {
        if (db != null) {
            db.execute("DROP USER IF EXISTS '" + limited + "'@'%', '" + reader + "'@'%', '" + writer + "'@'%'");
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
        return Source.builder().url(db.jdbcUrl()).user(db.user()).password(db.password()).build();
    }

    private static Source as(String user) {
        return Source.builder().url(db.jdbcUrl(user, PASSWORD)).build();
    }

    private static boolean testUserHasSuper() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SUPER' AND GRANTEE ="
                        + " CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',"
                        + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    private static List<String> codes(CheckReport r, Severity severity) {
        return r.findings(severity).stream().map(Finding::code).toList();
    }

    private static List<String> notChecked(CheckReport r) {
        return r.findings(Severity.INFO).stream().filter(f -> f.code().equals("not_checked")).map(Finding::message)
                .toList();
    }

    // ------------------------------------------------------------------ the purpose-built fixtures

    @Test
    void cursorWithoutIndex_isFlaggedWithTheCreateIndexStatement() {
        CheckReport r = rivet.check(export("orders_inc", as(reader)).table("orders")
                .mode(Mode.incremental("updated_at")).build());

        Finding f = r.finding("missing_index").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(Severity.WARN, f.severity());
        assertTrue(f.message().contains("cursor_column \"updated_at\" of " + db.name() + ".orders"), f.message());
        assertEquals("CREATE INDEX `updated_at_idx` ON `" + db.name() + "`.`orders` (`updated_at`)"
                + " ALGORITHM=INPLACE LOCK=NONE;", f.fix());
        assertEquals(Verdict.READY_WITH_WARNINGS, r.verdict(), r.findings().toString());
        // InnoDB's row count is an estimate from sampled pages.
        assertTrue(r.rowEstimate() >= 500 && r.rowEstimate() <= 2000, "row estimate " + r.rowEstimate());
        // The upper-bound probe scans the table: the plan says so.
        assertTrue(r.facts().get("plan.upper_bound").contains("Full table scan on orders"), r.facts().toString());
    }

    @Test
    void theCreateIndexFix_runsAsWritten_andClearsTheFinding() {
        Export e = export("tickets_inc", as(reader)).table("tickets").mode(Mode.incremental("updated_at")).build();
        Finding f = rivet.check(e).finding("missing_index").orElseThrow();

        db.execute(f.fix());

        CheckReport again = rivet.check(e);
        assertFalse(again.has("missing_index"), again.findings().toString());
        assertTrue(again.facts().get("plan.upper_bound").contains("using updated_at_idx on tickets"),
                again.facts().toString());
    }

    @Test
    void theTestUser_isFlaggedAsSuperuserWithTheSqlOfASelectOnlyUser() throws Exception {
        CheckReport r = rivet.check(export("events_su", asTestUser()).table("events")
                .mode(Mode.incremental("updated_at")).build());

        boolean superuser = testUserHasSuper();
        assertEquals(superuser, r.has("superuser"), r.findings().toString());
        assertEquals(String.valueOf(superuser), r.facts().get("superuser"));
        if (superuser) {
            Finding f = r.finding("superuser").orElseThrow();
            assertEquals(Severity.WARN, f.severity());
            assertTrue(f.fix().contains("CREATE USER 'rivet'@'%' IDENTIFIED BY '<choose a password>'"
                    + " WITH MAX_USER_CONNECTIONS 2;"), f.fix());
            assertTrue(f.fix().contains("GRANT SELECT ON `" + db.name() + "`.* TO 'rivet'@'%';"), f.fix());
            assertTrue(f.fix().contains("GRANT SELECT ON `" + db.name() + "`.`events` TO 'rivet'@'%';"), f.fix());
        } else {
            System.out.println("[rivet tests] " + db.server().user() + " has no SUPER: superuser finding not expected");
        }
    }

    @Test
    void userWithMaxUserConnections2_underParallel4_isNotReady() {
        CheckReport r = rivet.check(export("orders_chunked", as(limited)).table("orders")
                .mode(Mode.chunked().chunkSize(100).parallelism(4)).build());

        Finding f = r.finding("connection_headroom").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(Severity.FAIL, f.severity());
        assertTrue(f.message().contains("needs 5 connections (parallel 4 + 1 for planning), but user " + limited
                + "@% may open at most 2 connections"), f.message());
        assertEquals("Lower parallel to 1, or raise the user's connection limit to at least 5.", f.fix());
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals("2", r.facts().get("connections.user_limit"));
    }

    @Test
    void userWithMaxUserConnections2_isFineForASingleSnapshotExport() {
        CheckReport r = rivet.check(export("events_limited", as(limited)).table("events")
                .mode(Mode.incremental("updated_at")).build());

        assertFalse(r.has("connection_headroom"), r.findings().toString());
        assertEquals("2", r.facts().get("connections.user_limit"));
    }

    @Test
    void userThatMayWrite_isFlagged() {
        CheckReport r = rivet.check(export("orders_writer", as(writer)).table("orders").build());

        Finding f = r.finding("write_privilege").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertEquals(Severity.WARN, f.severity());
        assertTrue(f.message().contains("user " + writer + "@% can INSERT, UPDATE on " + db.name() + ".orders"),
                f.message());
        assertFalse(r.has("superuser"));
    }

    @Test
    void cleanSetup_isReady_andWhatTheUserMayNotReadIsSaidNotGuessed() {
        CheckReport r = rivet.check(export("events_clean", as(reader)).table("events")
                .mode(Mode.incremental("updated_at").tieBreaker("id")).build());

        assertEquals(List.of(), codes(r, Severity.FAIL));
        assertEquals(List.of(), codes(r, Severity.WARN));
        assertEquals(Verdict.READY, r.verdict());
        assertTrue(r.has("primary"));
        assertTrue(r.has("timeouts"));
        assertEquals(Profile.BALANCED, r.recommendedProfile());
        assertTrue(r.planSummary().startsWith("Full table scan on events (rows="), r.planSummary());
        assertTrue(r.facts().get("plan.upper_bound").contains("using events_updated_at on events"),
                r.facts().toString());
        assertEquals("false", r.facts().get("superuser"));
        assertEquals(reader + "@%", r.facts().get("user"));
        assertTrue(r.facts().get("server").startsWith(TestDatabases.mysql().isMariaDb() ? "MariaDB " : "MySQL "),
                r.facts().toString());
        // Without SLAVE MONITOR / REPLICATION CLIENT and PROCESS the user cannot see replication or other sessions'
        // transactions: each is one not_checked finding naming what and why, and the check goes on.
        List<String> skipped = notChecked(r);
        assertEquals(2, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).contains("could not check whether the server replicates from a primary: Access"
                + " denied"), skipped.get(0));
        assertTrue(skipped.get(0).contains("judged from read_only (off) instead"), skipped.get(0));
        assertTrue(skipped.get(1).contains("could not check long-running transactions: Access denied")
                && skipped.get(1).contains("PROCESS"), skipped.get(1));
        assertEquals("1", r.facts().get("connections.user_in_use"));
        assertTrue(Integer.parseInt(r.facts().get("connections.server_limit")) > 0, r.facts().toString());
    }

    // ------------------------------------------------------------------ structure

    @Test
    void missingTable_isNotReady() {
        CheckReport r = rivet.check(export("ghost", as(reader)).table("no_such_table").build());

        assertEquals(List.of("table_missing"), codes(r, Severity.FAIL));
        assertEquals(Verdict.NOT_READY, r.verdict());
        assertEquals(-1, r.rowEstimate());
    }

    @Test
    void badQuery_isNotReady() {
        CheckReport r = rivet.check(export("bad_query", as(reader)).query("SELECT nope FROM orders").build());

        assertEquals(List.of("column_missing"), codes(r, Severity.FAIL));
        assertTrue(r.findings(Severity.FAIL).get(0).message().contains("Unknown column 'nope'"),
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
    void tableTheUserMayNotRead_isNotReady_once_andHiddenLikeAMissingOne() {
        // MySQL shows a user only the tables it holds a privilege on, and answers a read of any other table with the
        // same error whether it exists or not: so the check cannot tell "not allowed" from "not there", and says so.
        CheckReport r = rivet.check(export("secret", as(reader)).table("secret").build());

        assertEquals(List.of("table_missing"), codes(r, Severity.FAIL), r.findings().toString());
        Finding f = r.findings(Severity.FAIL).get(0);
        assertTrue(f.message().contains("table secret does not exist or is not visible to user " + reader + "@%"),
                f.message());
        assertTrue(f.fix().contains("that the user may SELECT from it"), f.fix());
    }

    @Test
    void queryOfATableTheUserMayNotRead_isPermissionDenied() {
        CheckReport r = rivet.check(export("secret_q", as(reader)).query("SELECT id FROM secret").build());

        assertEquals(List.of("permission_denied"), codes(r, Severity.FAIL), r.findings().toString());
        assertTrue(r.findings(Severity.FAIL).get(0).message().contains("SELECT command denied"),
                r.findings().toString());
    }

    // ------------------------------------------------------------------ plans and chunks

    @Test
    void queryExport_scanningABigTable_isFlaggedFromThePlan() {
        CheckReport r = rivet.check(export("readings_q", as(reader))
                .query("SELECT id, taken_at, v FROM readings").mode(Mode.timeWindow("taken_at", Duration.ofDays(1)))
                .build());

        Finding scan = r.finding("seq_scan").orElseThrow(() -> new AssertionError(r.findings().toString()));
        assertTrue(scan.message().contains("sequential scan of readings (~"), scan.message());
        assertTrue(scan.fix().contains("(ANALYZE TABLE `readings`;)"), scan.fix());
        assertTrue(r.has("index_not_checked"));
        assertTrue(r.planSummary().contains("Full table scan on readings"), r.planSummary());
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
        assertTrue(r.facts().get("plan.chunk").contains("using PRIMARY on orders"), r.facts().toString());
        assertFalse(r.has("missing_index"), r.findings().toString());
    }

    @Test
    void bigTableOnAPrimary_recommendsBalancedUnderAMillionRows_andNoLongSnapshot() {
        CheckReport r = rivet.check(export("readings_full", as(reader)).table("readings").build());

        assertEquals(Profile.BALANCED, r.recommendedProfile(), r.profileReason());
        assertFalse(r.has("long_snapshot"));
        assertTrue(r.rowEstimate() > 100_000 && r.rowEstimate() < 200_000, "row estimate " + r.rowEstimate());
    }

    @Test
    void fastOnAPrimary_isFlagged() {
        CheckReport r = rivet.check(export("events_fast", as(reader)).table("events").profile(Profile.FAST).build());

        assertTrue(r.has("fast_on_primary"), r.findings().toString());
        assertFalse(r.has("timeouts_off"), "fast_on_primary already says it");
        assertTrue(r.has("profile"));
    }

    // ------------------------------------------------------------------ the inspector's own facts

    /** Waits until the server itself sees {@code sessionId}'s transaction as at least {@code age} old (10 s at most). */
    private static void awaitTransactionAge(Connection c, long sessionId, Duration age) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (PreparedStatement ps = c.prepareStatement("SELECT TIMESTAMPDIFF(MICROSECOND, trx_started, NOW(6))"
                + " FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?")) {
            ps.setLong(1, sessionId);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) >= age.toNanos() / 1000) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("session " + sessionId + "'s transaction did not reach " + age);
                }
                Thread.sleep(50); // poll interval; the condition is the server's own view of the age
            }
        }
    }

    @Test
    void inspector_findsATransactionOpenLongerThanAsked_andReadsTheServersTimeouts() throws Exception {
        MySqlDialect dialect = new MySqlDialect();
        SourceInspector inspector = dialect.inspector().orElseThrow();
        try (Connection holder = db.connect(); Connection checker = db.connect()) {
            long holderId;
            try (Statement s = holder.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                holderId = rs.getLong(1);
            }
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                s.executeQuery("SELECT COUNT(*) FROM orders").close();
            }
            awaitTransactionAge(checker, holderId, Duration.ofMillis(1500));
            dialect.beginSnapshot(checker, new SessionSettings(Duration.ofSeconds(7), Duration.ofSeconds(3)));
            try {
                SourceInspector.Transactions t = inspector.transactions(checker, Duration.ofSeconds(1));
                SourceInspector.LongTransaction mine = t.longRunning().stream()
                        .filter(l -> l.sessionId() == holderId).findFirst()
                        .orElseThrow(() -> new AssertionError(t.toString()));
                assertEquals("idle in transaction", mine.state());
                assertTrue(mine.age().compareTo(Duration.ofMillis(1400)) >= 0, mine.age().toString());
                assertTrue(inspector.transactions(checker, Duration.ofHours(1)).longRunning().stream()
                        .noneMatch(l -> l.sessionId() == holderId));

                // The server's defaults for new sessions, not the 7 s / 3 s this snapshot set for itself.
                SourceInspector.Server server = inspector.server(checker);
                try (Statement s = checker.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT @@global.lock_wait_timeout")) {
                    rs.next();
                    assertEquals(Duration.ofSeconds(rs.getLong(1)), server.lockTimeout());
                }
                assertTrue(server.lockTimeout().compareTo(Duration.ofSeconds(3)) != 0, server.toString());
                assertFalse(server.replica(), server.toString());
                assertEquals(db.name(), server.database());
            } finally {
                dialect.endSnapshot(checker);
                holder.rollback();
            }
        }
    }
}
