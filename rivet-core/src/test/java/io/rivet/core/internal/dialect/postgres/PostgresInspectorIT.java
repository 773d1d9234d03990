package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.spi.SessionSettings;
import io.rivet.core.spi.SourceInspector;
import io.rivet.core.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL probes of {@code rivet check} and {@code rivet init}, one by one, against a real server: each runs
 * inside a snapshot begun by the dialect, as the engine runs them.
 */
class PostgresInspectorIT {
    private static final String PASSWORD = "rivet-inspect-pw";
    private static final PostgresDialect DIALECT = new PostgresDialect();
    private static final SourceInspector INSPECTOR = DIALECT.inspector().orElseThrow();
    private static TestDatabases.PostgresDatabase db;
    private static String plain;

    @BeforeAll
    static void fixtures() {
        db = TestDatabases.postgres().createDatabase("inspector_it");
        plain = "rivet_inspect_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        db.execute("CREATE TABLE items (id bigint PRIMARY KEY, sku text NOT NULL, updated_at timestamptz,"
                        + " grp int NOT NULL, note text)",
                "CREATE INDEX items_upper_sku ON items (upper(sku))",
                "CREATE INDEX items_recent ON items (updated_at) WHERE updated_at > '2024-01-01'",
                "CREATE INDEX items_grp_brin ON items USING brin (grp)",
                "CREATE UNIQUE INDEX items_sku_grp ON items (sku, grp)",
                "INSERT INTO items SELECT g, 's' || g, NULL, g % 3, NULL FROM generate_series(1, 500) g",
                "CREATE TABLE pairs (a int, b int, v text, PRIMARY KEY (b, a))",
                "CREATE TABLE measurements (id bigint, at date NOT NULL) PARTITION BY RANGE (at)",
                "CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01')"
                        + " TO ('2025-01-01')",
                "CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01')"
                        + " TO ('2026-01-01')",
                "INSERT INTO measurements SELECT g, date '2024-01-01' + (g % 700) FROM generate_series(1, 1400) g",
                "CREATE SCHEMA other",
                "CREATE TABLE other.b_table (x int)",
                "CREATE TABLE other.a_table (x int)",
                "CREATE VIEW other.a_view AS SELECT 1 AS x",
                "ANALYZE",
                "CREATE ROLE " + plain + " LOGIN PASSWORD '" + PASSWORD + "' CONNECTION LIMIT 7",
                "GRANT SELECT ON items TO " + plain,
                "GRANT DELETE, TRUNCATE ON pairs TO " + plain);
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.execute("DROP OWNED BY " + plain, "DROP ROLE " + plain);
            db.close();
        }
    }

    private interface Probe<T> {
        T run(Connection c) throws Exception;
    }

    /** Runs {@code probe} in a read-only snapshot of a connection as the test user. */
    private static <T> T inSnapshot(Probe<T> probe) throws Exception {
        try (Connection c = db.connect()) {
            return inSnapshot(c, probe);
        }
    }

    private static <T> T inSnapshot(Connection c, Probe<T> probe) throws Exception {
        DIALECT.beginSnapshot(c, new SessionSettings(Duration.ofSeconds(30), Duration.ofSeconds(5)));
        try {
            return probe.run(c);
        } finally {
            DIALECT.endSnapshot(c);
        }
    }

    private static Connection connectAsPlain() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", plain);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(db.jdbcUrl(), p);
    }

    @Test
    void table_readsKindEstimateColumnsAndCompositeKeyOrder() throws Exception {
        SourceInspector.Table items = inSnapshot(c -> INSPECTOR.table(c, "items")).orElseThrow();
        assertEquals("public.items", items.name());
        assertEquals("table", items.kind());
        assertEquals(500, items.rowEstimate());
        assertTrue(items.totalBytes() > 8192, "size " + items.totalBytes());
        assertEquals(List.of("id:bigint:false", "sku:text:false", "updated_at:timestamp with time zone:true",
                "grp:integer:false", "note:text:true"), items.columns().stream()
                .map(c -> c.name() + ":" + c.type() + ":" + c.nullable()).toList());
        assertEquals(List.of("id"), items.primaryKey());

        SourceInspector.Table pairs = inSnapshot(c -> INSPECTOR.table(c, "public.pairs")).orElseThrow();
        assertEquals(List.of("b", "a"), pairs.primaryKey(), "in key order, not column order");
        assertEquals(0, pairs.rowEstimate(), "analyzed and empty");

        assertEquals(Optional.empty(), inSnapshot(c -> INSPECTOR.table(c, "public.nope")));
        assertEquals(Optional.empty(), inSnapshot(c -> INSPECTOR.table(c, "Items")), "names are case-sensitive");
    }

    @Test
    void table_ofAPartitionedTable_sumsItsPartitions() throws Exception {
        SourceInspector.Table m = inSnapshot(c -> INSPECTOR.table(c, "measurements")).orElseThrow();
        assertEquals("partitioned table", m.kind());
        assertEquals(1400, m.rowEstimate());
        assertTrue(m.totalBytes() > 0);
    }

    @Test
    void tables_listsOrdinaryAndPartitionedTablesButNotPartitionsOrViews() throws Exception {
        assertEquals(Optional.of(List.of("other.a_table", "other.b_table")),
                inSnapshot(c -> INSPECTOR.tables(c, "other")));
        assertEquals(Optional.of(List.of("public.items", "public.measurements", "public.pairs")),
                inSnapshot(c -> INSPECTOR.tables(c, "public")));
        assertEquals(Optional.empty(), inSnapshot(c -> INSPECTOR.tables(c, "no_such_schema")));
    }

    @Test
    void indexes_reportMethodColumnsExpressionsAndPartiality() throws Exception {
        Map<String, SourceInspector.Index> byName = inSnapshot(c -> INSPECTOR.indexes(c, "items")).stream()
                .collect(Collectors.toMap(SourceInspector.Index::name, i -> i));
        assertEquals(List.of("id"), byName.get("items_pkey").columns());
        assertTrue(byName.get("items_pkey").primary());
        assertTrue(byName.get("items_pkey").unique());
        assertNull(byName.get("items_upper_sku").leadingColumn(), "an expression has no column");
        assertTrue(byName.get("items_recent").partial());
        assertEquals("brin", byName.get("items_grp_brin").method());
        assertEquals(List.of("sku", "grp"), byName.get("items_sku_grp").columns());
        assertTrue(byName.get("items_sku_grp").unique());
        assertFalse(byName.get("items_sku_grp").primary());
        assertTrue(byName.values().stream().allMatch(SourceInspector.Index::valid));
    }

    @Test
    void explain_summarisesThePlanAndNamesSequentialScansWithTheirTableSize() throws Exception {
        SourceInspector.Plan scan = inSnapshot(c -> INSPECTOR.explain(c, "SELECT * FROM items WHERE note = 'x';"));
        assertTrue(scan.summary().startsWith("Seq Scan on public.items (rows="), scan.summary());
        assertEquals(List.of(new SourceInspector.Scan("public.items", 500)), scan.fullScans());
        assertEquals(List.of("public.items"), scan.relations());

        SourceInspector.Plan index = inSnapshot(c -> INSPECTOR.explain(c,
                "SELECT id FROM items ORDER BY id DESC LIMIT 1"));
        assertEquals(1, index.rows());
        assertTrue(index.summary().startsWith("Limit (rows=1, cost="), index.summary());
        assertTrue(index.summary().contains("<- Index Only Scan Backward using items_pkey on public.items"),
                index.summary());
        assertEquals(List.of(), index.fullScans());

        SourceInspector.Plan join = inSnapshot(c -> INSPECTOR.explain(c,
                "SELECT * FROM items i JOIN pairs p ON p.a = i.id"));
        assertEquals(List.of("public.items", "public.pairs"), join.relations().stream().sorted().toList());
    }

    @Test
    void privileges_ofASuperuserAndOfAPlainRole() throws Exception {
        SourceInspector.Privileges admin = inSnapshot(c -> INSPECTOR.privileges(c, List.of("public.items")));
        boolean superuser;
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            superuser = rs.getBoolean(1);
        }
        assertEquals(superuser, admin.superuser());
        assertEquals(db.user(), admin.user());

        try (Connection c = connectAsPlain()) {
            SourceInspector.Privileges p = inSnapshot(c, x -> INSPECTOR.privileges(x,
                    List.of("public.items", "public.pairs", "public.measurements")));
            assertEquals(plain, p.user());
            assertFalse(p.superuser());
            assertEquals(List.of(), p.otherPowers());
            assertEquals(List.of("public.pairs", "public.measurements"), p.unreadable());
            assertEquals(Map.of("public.pairs", List.of("DELETE", "TRUNCATE")), p.writable());
        }
    }

    @Test
    void connections_countTheRolesSessionsAgainstItsLimit() throws Exception {
        try (Connection c = connectAsPlain(); Connection other = connectAsPlain()) {
            SourceInspector.Connections n = inSnapshot(c, x -> INSPECTOR.connections(x));
            assertEquals(7, n.userLimit());
            assertEquals(2, n.userInUse(), "this session and the other one");
            assertEquals(-1, n.databaseLimit());
            assertTrue(n.databaseInUse() >= 2);
            assertTrue(n.serverInUse() >= 2);
            int max;
            int reserved;
            try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int")) {
                rs.next();
                max = rs.getInt(1);
                reserved = rs.getInt(2);
            }
            assertEquals(max - reserved, n.serverLimit(), "a plain role cannot use the superuser slots");
        }
    }

    @Test
    void transactions_findOthersOpenTransactions() throws Exception {
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            long pid;
            try (Statement s = holder.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT pg_backend_pid(), txid_current()")) {
                rs.next();
                pid = rs.getLong(1);
            }
            SourceInspector.Transactions t = inSnapshot(c -> INSPECTOR.transactions(c, Duration.ZERO));
            SourceInspector.LongTransaction mine = t.longRunning().stream().filter(l -> l.sessionId() == pid)
                    .findFirst().orElseThrow(() -> new AssertionError(t.toString()));
            assertEquals(db.user(), mine.user());
            assertEquals("idle in transaction", mine.state());
            assertFalse(mine.age().isNegative());

            SourceInspector.Transactions none = inSnapshot(c -> INSPECTOR.transactions(c, Duration.ofDays(3650)));
            assertEquals(List.of(), none.longRunning());

            try (Connection c = connectAsPlain()) {
                SourceInspector.Transactions hidden = inSnapshot(c, x -> INSPECTOR.transactions(x, Duration.ZERO));
                assertTrue(hidden.hiddenSessions() >= 1, "the holder's session is hidden from a plain role");
                assertTrue(hidden.longRunning().stream().noneMatch(l -> l.sessionId() == pid));
            }
            holder.rollback();
        }
    }

    @Test
    void server_readsTheSessionDefaultsNotTheSnapshotsOwnSettings() throws Exception {
        db.execute("ALTER ROLE " + plain + " SET statement_timeout = '42s'",
                "ALTER ROLE " + plain + " SET idle_in_transaction_session_timeout = '3min'");
        try (Connection c = connectAsPlain()) {
            SourceInspector.Server s = inSnapshot(c, x -> INSPECTOR.server(x));
            assertEquals(Duration.ofSeconds(42), s.statementTimeout(), "the snapshot itself set 30s locally");
            assertEquals(Duration.ZERO, s.lockTimeout(), "the snapshot itself set 5s locally");
            assertEquals(Duration.ofMinutes(3), s.idleInTransactionTimeout());
            assertEquals("42000ms", s.settings().get("statement_timeout"));
            assertFalse(s.replica());
            assertNull(s.replicationLag());
            assertFalse(s.replicaCancelsLongReads());
            assertEquals(plain, s.user());
            assertEquals(db.name(), s.database());
            assertEquals("PostgreSQL", s.product());
        } finally {
            db.execute("ALTER ROLE " + plain + " RESET ALL");
        }
    }

    @Test
    void fixSql_quotesNames() {
        assertEquals("CREATE INDEX CONCURRENTLY ON \"public\".\"Odd\"\"Table\" (\"Up\"\"dated\");",
                INSPECTOR.createIndexSql("public.Odd\"Table", "Up\"dated"));
        assertEquals("ANALYZE \"s\".\"t\";", INSPECTOR.analyzeSql("s.t"));
        assertEquals("\"c\"::text", INSPECTOR.castToText("\"c\""));
        assertEquals("GRANT pg_read_all_stats TO \"bob\";", INSPECTOR.seeAllSessionsSql("bob"));
        assertEquals("CREATE ROLE rivet_reader LOGIN PASSWORD '<choose a password>' CONNECTION LIMIT 3;\n"
                + "ALTER ROLE rivet_reader SET default_transaction_read_only = on;\n"
                + "GRANT CONNECT ON DATABASE \"shop\" TO rivet_reader;\n"
                + "GRANT USAGE ON SCHEMA \"sales\" TO rivet_reader;\n"
                + "GRANT USAGE ON SCHEMA \"public\" TO rivet_reader;\n"
                + "GRANT SELECT ON \"sales\".\"orders\", \"public\".\"items\" TO rivet_reader;\n"
                + "-- then point the source's url_env at a URL for rivet_reader",
                INSPECTOR.readOnlyRoleSql("shop", List.of("sales.orders", "public.items"), 3));
    }
}
