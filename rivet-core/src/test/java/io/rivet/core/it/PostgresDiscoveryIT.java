package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.ChunkedMode;
import io.rivet.FullMode;
import io.rivet.IncrementalMode;
import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Source;
import io.rivet.check.TableDiscovery;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.RivetConfigException;
import io.rivet.state.StateStores;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Rivet.discoverTable} / {@code discoverSchema} (what {@code rivet init} writes) against a real PostgreSQL. */
class PostgresDiscoveryIT {
    private static TestDatabases.PostgresDatabase db;
    private Rivet rivet;

    @BeforeAll
    static void fixtures() {
        db = TestDatabases.postgres().createDatabase("discovery_it");
        db.execute("CREATE SCHEMA shop",
                "CREATE TABLE shop.small_items (id int PRIMARY KEY, name text)",
                "INSERT INTO shop.small_items SELECT g, 'n' || g FROM generate_series(1, 10) g",
                // 150,000 rows with ids spread over 10,000..1,500,000,000: chunks widen so the range makes <= 10,000.
                "CREATE TABLE shop.big_orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, v int)",
                "CREATE INDEX big_orders_updated_at ON shop.big_orders (updated_at)",
                "INSERT INTO shop.big_orders SELECT g::bigint * 10000, now() - g * interval '1 second', g"
                        + " FROM generate_series(1, 150000) g",
                "CREATE TABLE shop.docs (uid uuid PRIMARY KEY, modified_at timestamp, body text)",
                "CREATE INDEX docs_modified ON shop.docs (modified_at)",
                "INSERT INTO shop.docs SELECT md5(g::text)::uuid, timestamp '2024-01-01' + g * interval '1 minute',"
                        + " 'b' FROM generate_series(1, 120000) g",
                "CREATE TABLE shop.shapes (id int PRIMARY KEY, p point)",
                "CREATE TABLE shop.\"Odd Name\" (x int)",
                "CREATE TABLE shop.parted (id int, at date NOT NULL) PARTITION BY RANGE (at)",
                "CREATE TABLE shop.parted_2024 PARTITION OF shop.parted FOR VALUES FROM ('2024-01-01')"
                        + " TO ('2025-01-01')",
                "ANALYZE");
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void engine() {
        rivet = Rivet.builder().stateStore(StateStores.inMemory()).build();
    }

    @AfterEach
    void close() {
        rivet.close();
    }

    private static Source source() {
        return Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).password(db.password()).build();
    }

    @Test
    void bigTableWithIntegerKey_isChunkedWithAWidenedChunkSize() {
        TableDiscovery d = rivet.discoverTable(source(), "shop.big_orders");
        assertEquals("shop.big_orders", d.table());
        assertEquals(150_000, d.rowEstimate());
        ChunkedMode m = (ChunkedMode) d.suggestedMode();
        assertEquals("id", m.column());
        assertEquals(1, m.parallelism());
        // 100,000-wide chunks would make 15,000 chunks; 150,000 is needed, rounded up to 200,000 (7,500 chunks).
        assertEquals(200_000, m.chunkSize());
        assertTrue(d.reasons().contains("chunk_size 200000: the key spans 10000..1500000000, about 7,500 chunks"),
                d.reasons().toString());
        assertTrue(d.notes().get(0).contains("cursor_column updated_at (indexed)"), d.notes().toString());
        assertEquals(List.of("id"), d.primaryKey());
        assertEquals(Profile.BALANCED, d.suggestedProfile());
        assertNull(d.suggestedQuery());
    }

    @Test
    void bigTableWithUuidKeyAndIndexedModifiedAt_isIncremental() {
        TableDiscovery d = rivet.discoverTable(source(), "shop.docs");
        IncrementalMode m = (IncrementalMode) d.suggestedMode();
        assertEquals("modified_at", m.cursorColumn());
        assertEquals("uid", m.tieBreaker());
        assertTrue(d.notes().contains("modified_at may hold NULL; rows whose cursor is NULL are never exported"));
        assertEquals(List.of("docs_modified", "docs_pkey"), d.indexes().stream().map(TableDiscovery.Index::name)
                .toList());
    }

    @Test
    void smallTable_isFull_andUnmappedColumnsAreCastInAQuery() {
        assertTrue(rivet.discoverTable(source(), "shop.small_items").suggestedMode() instanceof FullMode);
        TableDiscovery shapes = rivet.discoverTable(source(), "shop.shapes");
        assertEquals("SELECT \"id\", \"p\"::text AS \"p\" FROM \"shop\".\"shapes\"", shapes.suggestedQuery());
        assertEquals(List.of("id:integer:false:true", "p:point:true:false"), shapes.columns().stream()
                .map(c -> c.name() + ":" + c.sourceType() + ":" + c.nullable() + ":" + c.exportable()).toList());
    }

    @Test
    void schema_listsItsTablesByName_leavingPartitionsOut() {
        List<TableDiscovery> all = rivet.discoverSchema(source(), "shop");
        assertEquals(List.of("shop.Odd Name", "shop.big_orders", "shop.docs", "shop.parted", "shop.shapes",
                "shop.small_items"), all.stream().map(TableDiscovery::table).toList());
        TableDiscovery odd = all.get(0);
        assertEquals("SELECT * FROM \"shop\".\"Odd Name\"", odd.suggestedQuery());
        assertEquals("partitioned table", all.get(3).kind());
    }

    @Test
    void missingTableOrSchema_isAConfigurationError() {
        RivetConfigException t = assertThrows(RivetConfigException.class,
                () -> rivet.discoverTable(source(), "shop.nope"));
        assertTrue(t.getMessage().contains("table shop.nope does not exist"), t.getMessage());
        RivetConfigException s = assertThrows(RivetConfigException.class,
                () -> rivet.discoverSchema(source(), "nope"));
        assertTrue(s.getMessage().contains("schema nope does not exist"), s.getMessage());
    }
}
