package io.rivet.core.internal.dialect.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL text the dialect writes: identifiers, literals and key comparisons. */
class MySqlSqlTest {
    private final MySqlDialect dialect = new MySqlDialect();

    @Test
    void identifiers_useBackticksDoubled() {
        assertEquals("`id`", dialect.quoteIdentifier("id"));
        assertEquals("`we``ird`", dialect.quoteIdentifier("we`ird"));
        assertEquals("`shop`.`or.ders`", dialect.quoteTable("shop.or.ders"));
        assertThrows(IllegalArgumentException.class, () -> dialect.quoteIdentifier("a\0b"));
    }

    @Test
    void literals_dependOnTheColumnsKindNeverOnSqlMode() {
        assertEquals("42", dialect.literal("42", new Column("n", ColumnType.INT64, "bigint")));
        assertEquals("18446744073709551615",
                dialect.literal("18446744073709551615", new Column("u", ColumnType.decimal(20, 0), "bigint unsigned")));
        assertEquals("-12.50", dialect.literal("-12.50", new Column("d", ColumnType.decimal(5, 2), "decimal(5,2)")));
        assertEquals("'it''s'", dialect.literal("it's", new Column("s", ColumnType.STRING, "varchar")));
        assertEquals("'2024-01-02 03:04:05.123456'", dialect.literal("2024-01-02 03:04:05.123456",
                new Column("t", ColumnType.TIMESTAMP_MICROS_UTC, "timestamp(6)")));
        assertEquals("'-838:59:59'", dialect.literal("-838:59:59", new Column("t", ColumnType.INT64, "time")));
        // A backslash means different things with and without NO_BACKSLASH_ESCAPES: hex is the same in both.
        assertEquals("_utf8mb4 X'615c62'", dialect.literal("a\\b", new Column("s", ColumnType.STRING, "varchar")));
        assertEquals("_utf8mb4 X'610a62'", dialect.literal("a\nb", new Column("s", ColumnType.STRING, "varchar")));
        assertEquals("X'00ff'", dialect.literal("00ff", new Column("b", ColumnType.BINARY, "varbinary")));
    }

    @Test
    void literals_refuseWhatIsNotOfTheColumnsKind() {
        assertThrows(IllegalArgumentException.class,
                () -> dialect.literal("1; DROP TABLE t", new Column("n", ColumnType.INT64, "bigint")));
        assertThrows(IllegalArgumentException.class,
                () -> dialect.literal("zz", new Column("b", ColumnType.BINARY, "binary")));
        assertThrows(IllegalArgumentException.class,
                () -> dialect.literal("1", new Column("b", ColumnType.INT64, "bit(8)")));
    }

    @Test
    void keyPredicates_expandRowComparisonsIntoIndexRanges() {
        assertEquals("`a` > 1", dialect.keyPredicate(List.of("`a`"), ">", List.of("1")));
        assertEquals("`a` >= 1 AND (`a` > 1 OR `b` > 'x')",
                dialect.keyPredicate(List.of("`a`", "`b`"), ">", List.of("1", "'x'")));
        assertEquals("`a` <= 1 AND (`a` < 1 OR `b` <= 'x')",
                dialect.keyPredicate(List.of("`a`", "`b`"), "<=", List.of("1", "'x'")));
        assertEquals("`a` >= 1 AND (`a` > 1 OR `b` >= 2 AND (`b` > 2 OR `c` > 3))",
                dialect.keyPredicate(List.of("`a`", "`b`", "`c`"), ">", List.of("1", "2", "3")));
        assertThrows(IllegalArgumentException.class, () -> dialect.keyPredicate(List.of("`a`"), "=", List.of("1")));
        assertThrows(IllegalArgumentException.class, () -> dialect.keyPredicate(List.of("`a`"), ">", List.of()));
    }

    @Test
    void timeWindowStart_usesTheDatabaseClock() {
        assertEquals("(NOW(6) - INTERVAL 3600 SECOND)", dialect.nowMinusSeconds(3600));
    }
}
