package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.spi.ColumnType;
import io.rivet.core.testing.TestDatabases;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code all_types} table both PostgreSQL read paths are tested on: every supported type with its edge values
 * (minimums, maximums, NaN and infinities, -0, subnormals, BC dates, DST instants, unicode, empty and NULL-holding
 * arrays) in seven rows, the last but two all NULL.
 */
final class AllTypesTable {

    /** Column name → expected logical type, in table order. */
    static final Map<String, ColumnType> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("id", ColumnType.INT32);
        TYPES.put("i2", ColumnType.INT16);
        TYPES.put("i4", ColumnType.INT32);
        TYPES.put("i8", ColumnType.INT64);
        TYPES.put("o", ColumnType.INT64);
        TYPES.put("f4", ColumnType.FLOAT32);
        TYPES.put("f8", ColumnType.FLOAT64);
        TYPES.put("d38", ColumnType.decimal(38, 10));
        TYPES.put("d12", ColumnType.decimal(12, 2));
        TYPES.put("dneg", ColumnType.decimal(7, 0));
        TYPES.put("nu", ColumnType.STRING);
        TYPES.put("b", ColumnType.BOOLEAN);
        TYPES.put("t", ColumnType.STRING);
        TYPES.put("vc", ColumnType.STRING);
        TYPES.put("ch", ColumnType.STRING);
        TYPES.put("nm", ColumnType.STRING);
        TYPES.put("dt", ColumnType.DATE);
        TYPES.put("tm", ColumnType.TIME_MICROS);
        TYPES.put("ts", ColumnType.TIMESTAMP_MICROS);
        TYPES.put("tstz", ColumnType.TIMESTAMP_MICROS_UTC);
        TYPES.put("by", ColumnType.BINARY);
        TYPES.put("u", ColumnType.UUID);
        TYPES.put("j", ColumnType.JSON);
        TYPES.put("jb", ColumnType.JSON);
        TYPES.put("m", ColumnType.STRING);
        TYPES.put("ai", ColumnType.list(ColumnType.INT32));
        TYPES.put("at", ColumnType.list(ColumnType.STRING));
        TYPES.put("an", ColumnType.list(ColumnType.decimal(10, 2)));
        TYPES.put("anu", ColumnType.list(ColumnType.STRING));
        TYPES.put("af", ColumnType.list(ColumnType.FLOAT64));
        TYPES.put("ats", ColumnType.list(ColumnType.TIMESTAMP_MICROS_UTC));
        TYPES.put("ab", ColumnType.list(ColumnType.BINARY));
        TYPES.put("am", ColumnType.list(ColumnType.STRING));
        TYPES.put("au", ColumnType.list(ColumnType.UUID));
        TYPES.put("ad", ColumnType.list(ColumnType.DATE));
        TYPES.put("abo", ColumnType.list(ColumnType.BOOLEAN));
    }

    private AllTypesTable() {
    }

    /** Creates type {@code mood} and table {@code all_types} in {@code db}. */
    static void create(TestDatabases.PostgresDatabase db) {
        db.execute(
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy 😀')",
                "CREATE TABLE all_types (id int PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, o oid,"
                        + " f4 real, f8 double precision, d38 numeric(38,10), d12 numeric(12,2), dneg numeric(5,-2),"
                        + " nu numeric, b boolean, t text, vc varchar(20), ch char(5), nm name, dt date, tm time,"
                        + " ts timestamp, tstz timestamptz, by bytea, u uuid, j json, jb jsonb, m mood, ai int[],"
                        + " at text[], an numeric(10,2)[], anu numeric[], af float8[], ats timestamptz[],"
                        + " ab bytea[], am mood[], au uuid[], ad date[], abo boolean[])",
                // 1: minimums and empties
                "INSERT INTO all_types VALUES (1, -32768, -2147483648, -9223372036854775808, 0, 'NaN', 'NaN',"
                        + " -9999999999999999999999999999.9999999999, -9999999999.99, -9999900,"
                        + " '-1234567890123456789012345678901234567890.0123456789', false, '', '', '', '',"
                        + " '0001-01-01', '00:00:00', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '\\x',"
                        + " '00000000-0000-0000-0000-000000000000', '{}', '[]', 'sad', '{}', '{}', '{}', '{}', '{}',"
                        + " '{}', '{}', '{}', '{}', '{}', '{}')",
                // 2: maximums
                "INSERT INTO all_types VALUES (2, 32767, 2147483647, 9223372036854775807, 4294967295, 'Infinity',"
                        + " 'Infinity', 9999999999999999999999999999.9999999999, 9999999999.99, 9999900, 'NaN', true,"
                        + " repeat('x', 1000), 'twenty chars exactly', 'abcde', repeat('n', 63), '5874897-12-31',"
                        + " '24:00:00', '200000-01-01 00:00:00', '9999-12-31 23:59:59.999999+00',"
                        + " '\\xffffffff', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '[1, 2.50, null]',"
                        + " '{\"b\": [1, 2.50, null], \"a\": 1}', 'happy 😀', '{2147483647,-2147483648}',"
                        + " '{\"x\"}', '{99999999.99}', '{1e-40,NaN}', '{Infinity,-Infinity,NaN}',"
                        + " '{\"9999-12-31 00:00:00+00\"}', '{\"\\\\xff\"}', '{\"happy 😀\"}', '{ffffffff-ffff-ffff-ffff-ffffffffffff}',"
                        + " '{9999-12-31}', '{true}')",
                // 3: floats' edges, before 1970, unicode, NULL elements
                "INSERT INTO all_types VALUES (3, 0, 0, -1, 1, '-Infinity', '-0', 0, 0.01, 0,"
                        + " '0.000000000000000000000000000000000000000001', true,"
                        + " 'héllo wörld — 日本語 😀 e\u0301 \t\n \"q\" \\ end', 'ünï', 'ab', 'Ⅻ',"
                        + " '1969-12-31', '12:34:56.000001', '1969-12-31 23:59:59.999999',"
                        + " '1969-12-31 23:59:59.000001+00', '\\x00ff0001', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                        + " '{\"a\":\"\\u00e9\\ud83d\\ude00\",  \"b\" : [1,2.50,null]}',"
                        + " '{\"a\":\"\\u00e9\\ud83d\\ude00\",  \"b\" : [1,2.50,null]}', 'ok', '{1,NULL,3}',"
                        + " '{\"a,b\",\"\",NULL,\"NULL\",\"quo\\\"te\",\"back\\\\slash\",\"😀\",\" sp \"}',"
                        + " '{1.50,NULL,-2.25}', '{NULL,-0.5}', '{-0,1.5e-320,NULL}',"
                        + " '{\"1969-12-31 23:59:59.999999+00\",NULL}', '{\"\\\\x00\",NULL,\"\\\\x\"}',"
                        + " '{sad,NULL,\"happy 😀\"}', '{NULL,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',"
                        + " '{0001-01-01,NULL,1969-12-31}', '{true,NULL,false}')",
                // 4: DST transitions (the session is UTC), BC dates
                "INSERT INTO all_types (id, f4, f8, ts, tstz, dt, tm, ch, d12) VALUES (4, 1.17549435e-38,"
                        + " 4.9e-324, '2024-03-10 02:30:00', '2024-11-03 01:30:00-04', '0044-03-15 BC',"
                        + " '23:59:59.999999', 'a  ', 123.4)",
                // 5: all NULL
                "INSERT INTO all_types (id) VALUES (5)",
                // 6 and 7: more DST and BC, to fill a third batch
                "INSERT INTO all_types (id, ts, tstz, f4, f8, d38) VALUES (6, '4713-01-01 00:00:00 BC',"
                        + " '2024-11-03 01:30:00-05', 3.4028235e38, 1.7976931348623157e308, 0.0000000001)",
                "INSERT INTO all_types (id, ts, tstz, i8, d38) VALUES (7, '2024-11-03 01:30:00.5',"
                        + " '4713-01-01 00:00:00+00 BC', 42, -0.0000000001)");
    }
}
