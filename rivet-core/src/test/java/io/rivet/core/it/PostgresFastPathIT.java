package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.ParquetFormat;
import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.SourceException;
import io.rivet.state.RunStatus;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path end to end: one table holding every supported PostgreSQL type, edge values and NULLs is exported
 * through binary COPY (profile FAST) and through the cursor (FAST with bulk reads off), chunked with two workers, and
 * DuckDB compares the two sets of Parquet files value by value (as text, so -0.0, NaN, list structure and bytes
 * count). A statement timeout shows which path ran: it bounds each FETCH of the cursor but the whole COPY.
 */
class PostgresFastPathIT {

    private static TestDatabases.PostgresDatabase db;
    private static DuckDb duck;

    @TempDir
    Path out;

    /** Every column of {@code fast_types} but {@code id}. */
    private static final List<String> COLUMNS = List.of("i2", "i4", "i8", "o", "f4", "f8", "d38", "d12", "dneg",
            "nu", "b", "t", "vc", "ch", "nm", "ch1", "dt", "tm", "ts", "tstz", "by", "u", "j", "jb", "m", "ai", "at",
            "an", "anu", "af", "ats", "ab", "au", "ad", "abo");

    @BeforeAll
    static void createTable() {
        db = TestDatabases.postgres().createDatabase("fast_path_it");
        duck = new DuckDb();
        db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy 😀')",
                "CREATE TABLE fast_types (id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, o oid, f4 real,"
                        + " f8 double precision, d38 numeric(38,10), d12 numeric(12,2), dneg numeric(5,-2), nu numeric,"
                        + " b boolean, t text, vc varchar(20), ch char(5), nm name, ch1 \"char\", dt date, tm time,"
                        + " ts timestamp, tstz timestamptz, by bytea, u uuid, j json, jb jsonb, m mood, ai int[],"
                        + " at text[], an numeric(10,2)[], anu numeric[], af float8[], ats timestamptz[], ab bytea[],"
                        + " au uuid[], ad date[], abo boolean[])",
                // Edge rows.
                "INSERT INTO fast_types VALUES (1, -32768, -2147483648, -9223372036854775808, 0, 'NaN', '-0',"
                        + " -9999999999999999999999999999.9999999999, -9999999999.99, -9999900,"
                        + " '-1234567890123456789012345678901234567890.0123456789', false, '', '', '', '', '',"
                        + " '0001-01-01', '00:00:00', '4713-01-01 00:00:00 BC', '0001-01-01 00:00:00+00', '\\x',"
                        + " '00000000-0000-0000-0000-000000000000', '{}', '[]', 'sad', '{}', '{}', '{}', '{}', '{}',"
                        + " '{}', '{}', '{}', '{}', '{}')",
                "INSERT INTO fast_types VALUES (2, 32767, 2147483647, 9223372036854775807, 4294967295, 'Infinity',"
                        + " '-Infinity', 9999999999999999999999999999.9999999999, 9999999999.99, 9999900, 'NaN', true,"
                        + " repeat('x', 5000), 'twenty chars exactly', 'abcde', repeat('n', 63), 'z', '5874897-12-31',"
                        + " '24:00:00', '200000-01-01 00:00:00', '9999-12-31 23:59:59.999999+00', '\\xffffffff',"
                        + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', '[1, 2.50, null]', '{\"b\": [1, 2.50, null], \"a\": 1}',"
                        + " 'happy 😀', '{2147483647,-2147483648}', '{\"a,b\",\"\",NULL,\"NULL\",\"quo\\\"te\"}',"
                        + " '{99999999.99,NULL}', '{1e-40,NaN,Infinity}', '{-0,1.5e-320,NULL,NaN}',"
                        + " '{\"1969-12-31 23:59:59.999999+00\",NULL}', '{\"\\\\xff\",NULL,\"\\\\x\"}',"
                        + " '{NULL,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{0001-01-01,NULL,1969-12-31}',"
                        + " '{true,NULL,false}')",
                "INSERT INTO fast_types (id) VALUES (3)",
                // Bulk rows: every column a function of g, NULLs in staggered patterns.
                "INSERT INTO fast_types SELECT g,"
                        + " CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 65536 - 32768)::smallint END,"
                        + " (g * 7919) % 2000000000, CASE WHEN g % 13 = 0 THEN NULL ELSE g::bigint * -1000003 END,"
                        + " (g * 31)::oid, CASE WHEN g % 7 = 0 THEN NULL ELSE g / 3.0::real END,"
                        + " CASE WHEN g % 17 = 0 THEN NULL ELSE g * 1.000001e-3 END,"
                        + " (g * 123456.789)::numeric(38,10), CASE WHEN g % 5 = 0 THEN NULL ELSE (g % 10000) * 1.25 END,"
                        + " (g * 100)::numeric(5,-2) % 9999900, CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN g::numeric / 7"
                        + "   WHEN 2 THEN g * 1e10 ELSE -g::numeric / 1e5 END,"
                        + " CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END,"
                        + " CASE WHEN g % 19 = 0 THEN NULL ELSE repeat('é' || g, g % 40) END, 'v' || (g % 100),"
                        + " CASE WHEN g % 2 = 0 THEN 'ab' END, 'name' || g, chr(65 + g % 26)::\"char\","
                        + " date '2000-01-01' + (g % 20000 - 10000), time '00:00:00' + g * interval '1.000001 second',"
                        + " timestamp '1990-01-01' + g * interval '1 minute 0.000007 second',"
                        + " CASE WHEN g % 9 = 0 THEN NULL ELSE timestamptz '2024-03-31 01:59:00+00' + g * interval '1 s' END,"
                        + " decode(md5(g::text), 'hex'), md5(g::text)::uuid,"
                        + " CASE WHEN g % 6 = 0 THEN NULL ELSE json_build_object('g', g, 'x', 'é')::json END,"
                        + " jsonb_build_object('g', g, 'tags', jsonb_build_array(g % 3, 'a')),"
                        + " (ARRAY['sad', 'ok', 'happy 😀']::mood[])[1 + g % 3],"
                        + " CASE WHEN g % 8 = 0 THEN NULL ELSE ARRAY[g::int, NULL, -g::int] END,"
                        + " ARRAY['t' || g, NULL, ''], ARRAY[(g % 100)::numeric(10,2) / 3], ARRAY[g::numeric / 11],"
                        + " ARRAY[g / 7.0::float8], ARRAY[timestamptz '2000-01-01 00:00:00+00' + g * interval '1 us'],"
                        + " ARRAY[decode(md5(g::text), 'hex')], ARRAY[md5(g::text)::uuid],"
                        + " ARRAY[date '1970-01-01' + g % 1000], ARRAY[g % 2 = 0, NULL]"
                        + " FROM generate_series(4, 30000) g",
                "ANALYZE fast_types");
    }

    @AfterAll
    static void drop() {
        if (duck != null) {
            duck.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private ExportResult export(Rivet rivet, String name, Profile profile, Path dir) {
        return export(rivet, name, profile, dir, Format.parquet());
    }

    private ExportResult export(Rivet rivet, String name, Profile profile, Path dir, ParquetFormat format) {
        return rivet.run(Export.builder().name(name)
                .source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .table("fast_types")
                .mode(Mode.chunked("id").chunkSize(7_000).parallelism(2))
                .profile(profile)
                .format(format)
                .sink(Sink.local(dir))
                .build());
    }

    @Test
    void fastProfile_compressesZstdAtLevel1_unlessTheExportSetsALevel() throws Exception {
        Profile balanced = Profile.BALANCED.toBuilder().throttle(Duration.ZERO).build();
        long fast;
        long fastLevel1;
        long fastLevel3;
        long balancedDefault;
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            fast = export(rivet, "fast_default", Profile.FAST, out.resolve("a"), Format.parquet()).bytes();
            fastLevel1 = export(rivet, "fast_level1", Profile.FAST, out.resolve("b"),
                    Format.parquet().withCompressionLevel(1)).bytes();
            fastLevel3 = export(rivet, "fast_level3", Profile.FAST, out.resolve("c"),
                    Format.parquet().withCompressionLevel(3)).bytes();
            balancedDefault = export(rivet, "balanced_default", balanced, out.resolve("d"), Format.parquet()).bytes();
        }
        // zstd is deterministic for a given level and input, and the pages are cut the same way on every path.
        assertEquals(fastLevel1, fast, "FAST without a level writes zstd level 1");
        assertTrue(fastLevel3 < fastLevel1, "level 3 is smaller than level 1: " + fastLevel3 + " vs " + fastLevel1);
        assertTrue(balancedDefault < fast, "BALANCED keeps zstd's default level 3: " + balancedDefault + " vs " + fast);
    }

    @Test
    void copyAndCursor_exportTheSameValues() {
        Profile cursor = Profile.FAST.toBuilder().name("fast-cursor").bulkReadEnabled(false).build();
        ExportResult a;
        ExportResult b;
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            a = export(rivet, "via_copy", Profile.FAST, out.resolve("copy"));
            b = export(rivet, "via_cursor", cursor, out.resolve("cursor"));
        }
        assertEquals(RunStatus.SUCCEEDED, a.status());
        assertEquals(30_000, a.rows());
        assertEquals(a.rows(), b.rows());
        assertTrue(a.files().size() >= 5, "several chunks");
        String fa = "read_parquet('" + out.resolve("copy") + "/via_copy/" + a.runId() + "/*.parquet')";
        String fb = "read_parquet('" + out.resolve("cursor") + "/via_cursor/" + b.runId() + "/*.parquet')";
        assertEquals(duck.rows("DESCRIBE SELECT * FROM " + fb), duck.rows("DESCRIBE SELECT * FROM " + fa),
                "same Parquet schema");
        List<String> differing = new ArrayList<>();
        for (String c : COLUMNS) {
            long n = duck.scalar("SELECT count(*) FROM " + fa + " a FULL JOIN " + fb + " b USING (id)"
                    + " WHERE CAST(a.\"" + c + "\" AS VARCHAR) IS DISTINCT FROM CAST(b.\"" + c + "\" AS VARCHAR)");
            if (n > 0) {
                differing.add(c + " (" + n + " rows)");
            }
        }
        assertEquals(List.of(), differing, "columns whose values differ between COPY and the cursor");
        // The comparison is not vacuous: the files hold the edge values.
        assertEquals(List.of(List.of("-0.0", "nan", "[2147483647, -2147483648]", "9223372036854775807")),
                duck.rows("SELECT max(CASE WHEN id = 1 THEN f8::VARCHAR END), max(CASE WHEN id = 1 THEN f4::VARCHAR"
                        + " END), max(CASE WHEN id = 2 THEN ai::VARCHAR END), max(i8)::VARCHAR FROM " + fa));
    }

    @Test
    void statementTimeout_boundsTheWholeCopy_butEachFetchOfTheCursor() {
        // 1,000 rows of 2 ms each: one COPY statement takes 2 s, a FETCH of 100 rows 0.2 s.
        String query = "SELECT g AS id, pg_sleep(0.002)::text AS pause FROM generate_series(1, 1000) g";
        Profile bulk = Profile.FAST.toBuilder().statementTimeout(Duration.ofMillis(700)).maxRetries(0).build();
        Profile cursor = bulk.toBuilder().bulkReadEnabled(false).build();
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            Export.Builder e = Export.builder().source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user())
                    .build()).query(query).format(Format.parquet()).sink(Sink.local(out)).batchRows(100);
            SourceException failure = assertThrows(SourceException.class,
                    () -> rivet.run(e.name("sleepy_copy").profile(bulk).build()));
            assertEquals("57014", failure.sqlState());
            ExportResult r = rivet.run(e.name("sleepy_cursor").profile(cursor).build());
            assertEquals(1000, r.rows());
        }
    }
}
