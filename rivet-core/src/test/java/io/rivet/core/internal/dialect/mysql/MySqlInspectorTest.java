package io.rivet.core.internal.dialect.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.spi.SourceInspector;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of {@link MySqlInspector} that need no server: reading {@code EXPLAIN FORMAT=JSON} in MySQL 8's shape (no
 * MySQL 8 runs on the development machine; {@code MySqlCheckIT} covers MariaDB's shape live), variable parsing and
 * the SQL of the fixes.
 */
class MySqlInspectorTest {
    private static final MySqlInspector INSPECTOR = MySqlInspector.INSTANCE;

    @Test
    void plan_mysql8FullScan_readsExaminedAndProducedRowsAndTheCost() throws SQLException {
        SourceInspector.Plan p = MySqlInspector.plan("""
                {"query_block": {"select_id": 1, "cost_info": {"query_cost": "101.25"},
                  "table": {"table_name": "orders", "access_type": "ALL", "rows_examined_per_scan": 1000,
                    "rows_produced_per_join": 333, "filtered": "33.33",
                    "cost_info": {"read_cost": "67.92", "eval_cost": "33.33", "prefix_cost": "101.25"},
                    "attached_condition": "(`shop`.`orders`.`updated_at` > TIMESTAMP'2024-01-01 00:00:00')"}}}
                """);
        assertEquals(333, p.rows());
        assertEquals(101.25, p.cost());
        assertEquals("Full table scan on orders (rows=333, cost=101)", p.summary());
        assertEquals(List.of("orders"), p.relations());
        assertEquals(List.of(new SourceInspector.Scan("orders", 1000)), p.fullScans());
    }

    @Test
    void plan_mysql8OrderedJoin_listsEveryReadAndTheSort() throws SQLException {
        SourceInspector.Plan p = MySqlInspector.plan("""
                {"query_block": {"select_id": 1, "cost_info": {"query_cost": "2.10"},
                  "ordering_operation": {"using_filesort": true, "nested_loop": [
                    {"table": {"table_name": "o", "access_type": "range", "key": "orders_updated_at",
                      "rows_examined_per_scan": 10, "rows_produced_per_join": 10, "filtered": "100.00"}},
                    {"table": {"table_name": "c", "access_type": "eq_ref", "key": "PRIMARY",
                      "rows_examined_per_scan": 1, "rows_produced_per_join": 10, "filtered": "100.00"}}]}}}
                """);
        assertEquals(10, p.rows());
        assertEquals("Index range scan using orders_updated_at on o, Index lookup (eq_ref) using PRIMARY on c,"
                + " then a sort (rows=10, cost=2)", p.summary());
        assertEquals(List.of("o", "c"), p.relations());
        assertEquals(List.of(), p.fullScans());
    }

    @Test
    void plan_mariaDbDerivedTableAndOptimizedAway() throws SQLException {
        SourceInspector.Plan derived = MySqlInspector.plan("""
                {"query_block": {"select_id": 1, "nested_loop": [{"table": {"table_name": "<derived2>",
                  "access_type": "ALL", "rows": 200, "filtered": 50, "materialized": {"query_block": {
                    "select_id": 2, "nested_loop": [{"table": {"table_name": "items", "access_type": "ALL",
                      "rows": 150000, "filtered": 100}}]}}}}]}}
                """);
        // The outer estimate comes from the top level; the full scan of the base table inside is still found.
        assertEquals(100, derived.rows());
        assertEquals(-1, derived.cost());
        assertEquals(List.of("items"), derived.relations());
        assertEquals(List.of(new SourceInspector.Scan("items", 150000)), derived.fullScans());

        SourceInspector.Plan away = MySqlInspector.plan("""
                {"query_block": {"select_id": 1, "table": {"message": "Select tables optimized away"}}}
                """);
        assertEquals("No table read (Select tables optimized away) (rows=1)", away.summary());
        assertEquals(List.of(), away.fullScans());
    }

    @Test
    void plan_withoutAQueryBlock_isAnError() {
        assertThrows(SQLException.class, () -> MySqlInspector.plan("{\"nope\": 1}"));
        assertThrows(SQLException.class, () -> MySqlInspector.plan("not json"));
    }

    @Test
    void seconds_readsMariaDbFractionsAndZeroAsNone() {
        assertEquals(Duration.ofMillis(2500), MySqlInspector.seconds("2.500000"));
        assertEquals(Duration.ZERO, MySqlInspector.seconds("0.000000"));
        assertEquals(Duration.ofDays(1), MySqlInspector.seconds("86400"));
        assertEquals(null, MySqlInspector.seconds("OFF"));
    }

    @Test
    void fixes_areMySqlStatements() {
        assertEquals("CREATE INDEX `updated_at_idx` ON `shop`.`orders` (`updated_at`) ALGORITHM=INPLACE LOCK=NONE;",
                INSPECTOR.createIndexSql("shop.orders", "updated_at"));
        assertEquals("ANALYZE TABLE `shop`.`my``table`;", INSPECTOR.analyzeSql("shop.my`table"));
        assertEquals("GRANT PROCESS ON *.* TO 'app'@'10.0.%';", INSPECTOR.seeAllSessionsSql("app@10.0.%"));
        String role = INSPECTOR.readOnlyRoleSql("shop", List.of("orders", "crm.people"), 3);
        assertTrue(role.startsWith("CREATE USER 'rivet'@'%' IDENTIFIED BY '<choose a password>'"
                + " WITH MAX_USER_CONNECTIONS 3;\nGRANT SELECT ON `shop`.* TO 'rivet'@'%';\n"
                + "GRANT SELECT ON `crm`.* TO 'rivet'@'%';\n"), role);
        assertTrue(role.contains("GRANT SELECT ON `shop`.`orders` TO 'rivet'@'%'; GRANT SELECT ON `crm`.`people`"),
                role);
        assertEquals("ST_AsText(`p`)", INSPECTOR.castToText("`p`", "point"));
        assertEquals("VECTOR_TO_STRING(`v`)", INSPECTOR.castToText("`v`", "vector(3)"));
        assertEquals("CAST(`x` AS CHAR)", INSPECTOR.castToText("`x`", "set('a')"));
        assertTrue(INSPECTOR.longTransactionsSql(Duration.ofMinutes(5)).contains("INTERVAL 300 SECOND"));
    }
}
