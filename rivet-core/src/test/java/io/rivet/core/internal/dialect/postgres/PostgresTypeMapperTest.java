package io.rivet.core.internal.dialect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import org.junit.jupiter.api.Test;

class PostgresTypeMapperTest {

    @Test
    void numeric_fitting38Digits_isDecimal_otherwiseExactText() {
        assertEquals(ColumnType.decimal(12, 2), PostgresTypeMapper.numeric(12, 2));
        assertEquals(ColumnType.decimal(38, 10), PostgresTypeMapper.numeric(38, 10));
        assertEquals(ColumnType.decimal(1, 0), PostgresTypeMapper.numeric(1, 0));
        assertEquals(ColumnType.STRING, PostgresTypeMapper.numeric(39, 0));
        assertEquals(ColumnType.STRING, PostgresTypeMapper.numeric(0, 0));
        // numeric(5,-2): pgjdbc reports the 11-bit scale field unsigned (2046).
        assertEquals(ColumnType.decimal(7, 0), PostgresTypeMapper.numeric(5, 2046));
        assertEquals(ColumnType.STRING, PostgresTypeMapper.numeric(37, 2046));
        // numeric(3,5) holds values below 0.01.
        assertEquals(ColumnType.decimal(5, 5), PostgresTypeMapper.numeric(3, 5));
    }

    @Test
    void scalars_byPgjdbcName() {
        assertEquals(ColumnType.INT64, PostgresTypeMapper.scalar("oid", 10, 0));
        assertEquals(ColumnType.STRING, PostgresTypeMapper.scalar("bpchar", 5, 0));
        assertEquals(ColumnType.JSON, PostgresTypeMapper.scalar("jsonb", 0, 0));
        assertEquals(ColumnType.TIMESTAMP_MICROS_UTC, PostgresTypeMapper.scalar("timestamptz", 35, 6));
        assertNull(PostgresTypeMapper.scalar("interval", 49, 6));
        assertNull(PostgresTypeMapper.scalar("timetz", 0, 0));
        assertNull(PostgresTypeMapper.scalar("money", 0, 0));
    }

    @Test
    void literal_quotesAndCasts() {
        PostgresDialect d = new PostgresDialect();
        Column ts = new Column("updated_at", ColumnType.TIMESTAMP_MICROS_UTC, "timestamptz");
        assertEquals("'2024-01-01 10:00:00.123456+00'::timestamptz", d.literal("2024-01-01 10:00:00.123456+00", ts));
        Column t = new Column("name", ColumnType.STRING, "text");
        assertEquals("'O''Brien'::text", d.literal("O'Brien", t));
        assertEquals("E'a\\\\b''c'::text", d.literal("a\\b'c", t));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> d.literal("a\0b", t));
        assertEquals("\"we\"\"ird\"", d.quoteIdentifier("we\"ird"));
        assertEquals("\"s\".\"T\"", d.quoteTable("s.T"));
        assertEquals("(now() - make_interval(secs => 60))", d.nowMinusSeconds(60));
        assertEquals("select 1", PostgresDialect.stripTerminator("select 1 ;\n ; "));
    }
}
