package io.rivet.core.internal.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.ChunkedMode;
import io.rivet.FullMode;
import io.rivet.IncrementalMode;
import io.rivet.Profile;
import io.rivet.check.TableDiscovery;
import io.rivet.core.internal.dialect.postgres.PostgresDialect;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.SourceInspector;
import io.rivet.core.spi.SourceInspector.Index;
import io.rivet.core.spi.SourceInspector.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suggestion rules of {@code rivet init}, from hand-made facts: no database. */
class InitAdvisorTest {
    private static final Dialect PG = new PostgresDialect();
    private static final SourceInspector INSPECTOR = PG.inspector().orElseThrow();

    private static SourceInspector.Table table(String name, long rows, List<String> pk, TableColumn... columns) {
        return new SourceInspector.Table(name, "table", rows, rows * 100, List.of(columns), pk);
    }

    private static Index btree(String column) {
        return new Index(column + "_idx", "btree", List.of(column), false, false, false, true);
    }

    private static final TableColumn ID = new TableColumn("id", "bigint", false);
    private static final TableColumn UPDATED = new TableColumn("updated_at", "timestamp with time zone", true);
    private static final List<Column> ID_UPDATED = List.of(new Column("id", ColumnType.INT64, "int8"),
            new Column("updated_at", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"));

    private static TableDiscovery suggest(SourceInspector.Table t, List<Index> indexes, List<Column> columns,
            Long min, Long max, Boolean replica) {
        return InitAdvisor.suggest(t, indexes, columns, List.of(), min, max, replica, PG, INSPECTOR);
    }

    @Test
    void smallTable_isFull() {
        TableDiscovery d = suggest(table("public.t", 100_000, List.of("id"), ID, UPDATED), List.of(btree("id")),
                ID_UPDATED, null, null, false);
        assertTrue(d.suggestedMode() instanceof FullMode);
        assertTrue(d.reasons().get(0).startsWith("mode full: ~100,000 rows (at most 100,000)"), d.reasons().toString());
        assertEquals(Profile.BALANCED, d.suggestedProfile());
        assertNull(d.suggestedQuery());
    }

    @Test
    void bigTableWithAnIntegerKey_isChunkedWithParallelismBySize() {
        SourceInspector.Table t = table("public.t", 2_500_000, List.of("id"), ID, UPDATED);
        TableDiscovery d = suggest(t, List.of(btree("id"), btree("updated_at")), ID_UPDATED, 1L, 2_500_000L, false);
        ChunkedMode m = (ChunkedMode) d.suggestedMode();
        assertEquals("id", m.column());
        assertEquals(100_000, m.chunkSize());
        assertEquals(2, m.parallelism());
        assertEquals(Profile.SAFE, d.suggestedProfile());
        assertTrue(d.notes().get(0).contains("mode incremental with cursor_column updated_at"), d.notes().toString());

        assertEquals(1, ((ChunkedMode) suggest(table("public.t", 900_000, List.of("id"), ID), List.of(),
                ID_UPDATED, 1L, 900_000L, false).suggestedMode()).parallelism());
        assertEquals(4, ((ChunkedMode) suggest(table("public.t", 40_000_000, List.of("id"), ID), List.of(),
                ID_UPDATED, 1L, 40_000_000L, true).suggestedMode()).parallelism());
    }

    @Test
    void chunkSize_widensForSparseKeysToRoundNumbers() {
        assertEquals(100_000, InitAdvisor.chunkSize(null, null));
        assertEquals(100_000, InitAdvisor.chunkSize(1L, 1_000_000_000L));
        assertEquals(200_000, InitAdvisor.chunkSize(1L, 1_000_000_001L));
        assertEquals(500_000, InitAdvisor.chunkSize(0L, 3_000_000_000L));
        assertEquals(2_000_000_000_000_000L, InitAdvisor.chunkSize(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void bigTableWithoutIntegerKey_butAnIndexedUpdatedAt_isIncrementalTieBrokenByTheKey() {
        TableColumn uid = new TableColumn("uid", "uuid", false);
        List<Column> cols = List.of(new Column("uid", ColumnType.UUID, "uuid"),
                new Column("updated_at", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz"));
        TableDiscovery d = suggest(table("public.docs", 300_000, List.of("uid"), uid, UPDATED),
                List.of(btree("updated_at")), cols, null, null, false);
        IncrementalMode m = (IncrementalMode) d.suggestedMode();
        assertEquals("updated_at", m.cursorColumn());
        assertEquals("uid", m.tieBreaker());
        assertTrue(d.notes().contains("updated_at may hold NULL; rows whose cursor is NULL are never exported"),
                d.notes().toString());
    }

    @Test
    void createdAt_isAFallbackCursorWithANote_andUnindexedUpdatedAtGetsTheIndexStatement() {
        TableColumn created = new TableColumn("created_at", "timestamp without time zone", false);
        List<Column> cols = List.of(new Column("created_at", ColumnType.TIMESTAMP_MICROS, "timestamp"));
        TableDiscovery d = suggest(table("public.log", 200_000, List.of(), created), List.of(btree("created_at")),
                cols, null, null, false);
        assertEquals("created_at", ((IncrementalMode) d.suggestedMode()).cursorColumn());
        assertTrue(d.notes().get(0).contains("creation time"), d.notes().toString());

        List<Column> upd = List.of(new Column("modified_on", ColumnType.TIMESTAMP_MICROS, "timestamp"));
        TableDiscovery none = suggest(table("public.log", 200_000, List.of(),
                new TableColumn("modified_on", "timestamp without time zone", false)), List.of(), upd, null, null,
                false);
        assertTrue(none.suggestedMode() instanceof FullMode);
        assertTrue(none.notes().get(0).contains("CREATE INDEX CONCURRENTLY ON \"public\".\"log\" (\"modified_on\")"),
                none.notes().toString());
    }

    @Test
    void cursorNames() {
        for (String n : List.of("updated_at", "last_updated", "modified_at",
                "last_modified", "modified", "changed_at", "update_time", "mtime", "updated_on", "last_update")) {
            assertTrue(InitAdvisor.UPDATED.matcher(n).matches(), n);
        }
        for (String n : List.of("created_at", "inserted_at", "creation_date", "created")) {
            assertTrue(InitAdvisor.CREATED.matcher(n).matches(), n);
        }
        assertTrue(!InitAdvisor.UPDATED.matcher("updated_by").matches());
    }

    @Test
    void unmappedColumnsAndOddNames_areReadThroughAQuery() {
        TableColumn p = new TableColumn("p", "point", true);
        TableDiscovery d = InitAdvisor.suggest(table("public.shapes", 10, List.of("id"), ID, p), List.of(),
                List.of(new Column("id", ColumnType.INT64, "int8")), List.of("p"), null, null, false, PG, INSPECTOR);
        assertEquals("SELECT \"id\", \"p\"::text AS \"p\" FROM \"public\".\"shapes\"", d.suggestedQuery());
        assertTrue(d.notes().contains("column p (point) has no faithful mapping; the query exports it as text"));
        assertEquals(List.of(true, false), d.columns().stream().map(TableDiscovery.Column::exportable).toList());

        TableDiscovery odd = suggest(table("public.Odd Name", 10, List.of(), ID), List.of(), ID_UPDATED, null, null,
                null);
        assertEquals("SELECT * FROM \"public\".\"Odd Name\"", odd.suggestedQuery());
        assertEquals(Profile.BALANCED, odd.suggestedProfile());
    }

    @Test
    void neverAnalyzed_isFullWithTheAnalyzeStatement() {
        TableDiscovery d = suggest(table("public.t", -1, List.of("id"), ID), List.of(), ID_UPDATED, null, null,
                false);
        assertTrue(d.suggestedMode() instanceof FullMode);
        assertTrue(d.reasons().get(0).contains("ANALYZE \"public\".\"t\";"), d.reasons().toString());
    }
}
