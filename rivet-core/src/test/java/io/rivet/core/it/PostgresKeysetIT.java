package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keyset chunking (composite and non-integer keys) on PostgreSQL: the planner's keyset ranges are dialect-neutral, so
 * the same plans MySQL uses must hold on PostgreSQL, including resume from stored tuple bounds.
 */
class PostgresKeysetIT {
    private static TestDatabases.PostgresDatabase db;
    private static DuckDb duck;

    @TempDir
    Path out;
    private Rivet rivet;

    @BeforeAll
    static void createTables() {
        db = TestDatabases.postgres().createDatabase("keyset_it");
        duck = new DuckDb();
        db.execute("CREATE TABLE tenants (tenant text NOT NULL, seq int NOT NULL, at timestamptz NOT NULL,"
                        + " uid uuid NOT NULL UNIQUE, v text, PRIMARY KEY (tenant, seq))",
                "INSERT INTO tenants SELECT (ARRAY['acme','Bolt','it''s','back\\slash','東京'])[1 + g % 5], g,"
                        + " timestamptz '2024-01-01 00:00:00+00' + (g / 3) * interval '1 second'"
                        + " + g * interval '1 microsecond', md5(g::text)::uuid, 'v' || g"
                        + " FROM generate_series(1, 1234) g");
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

    @BeforeEach
    void engine() {
        rivet = Rivet.builder().stateStore(StateStores.file(out.resolve(".rivet"))).build();
    }

    @AfterEach
    void closeEngine() {
        rivet.stateStore().close();
        rivet.close();
    }

    private Export.Builder export(String name) {
        return Export.builder().name(name).source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                .format(Format.parquet()).sink(Sink.local(out)).table("tenants");
    }

    @Test
    void compositePrimaryKey_isChunkedByKeysetWhenNoColumnIsNamed() throws Exception {
        ExportResult r = rivet.run(export("composite").mode(Mode.chunked().chunkSize(100).parallelism(3)).build());
        assertEquals(1234, r.rows());
        assertEquals(13, r.chunks());
        assertEquals(expected(), exported(r));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant", "at", "uid", "v"})
    void nonIntegerKeys_chunkEveryRowOnce_evenWithTies(String column) throws Exception {
        ExportResult r = rivet.run(export("by_" + column).mode(Mode.chunked(column).chunkSize(150).parallelism(2))
                .build());
        assertEquals(1234, r.rows());
        assertEquals(expected(), exported(r));
    }

    @Test
    void keysetRun_resumesFromStoredTupleBounds() throws Exception {
        Export e = export("resumed").mode(Mode.chunked().chunkSize(200).parallelism(2)).maxRetries(0).build();
        RivetException failure = assertThrows(RivetException.class,
                () -> rivet.run(e.toBuilder().sink(new FailingSink(Sink.local(out), "part-00004-")).build()));
        assertTrue(failure.getMessage().contains("injected"), failure.getMessage());
        ExportResult r = rivet.resume(e);
        assertTrue(r.resumed());
        assertEquals(7, r.chunks());
        assertEquals(expected(), exported(r));
    }

    @Test
    void floatKeys_areRefused() {
        db.execute("CREATE TABLE floaty (f double precision PRIMARY KEY)", "INSERT INTO floaty VALUES (1.5)");
        RivetConfigException e = assertThrows(RivetConfigException.class, () -> rivet.run(
                export("floaty").table("floaty").mode(Mode.chunked()).build()));
        assertTrue(e.getMessage().contains("\"f\""), e.getMessage());
    }

    private List<List<String>> expected() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT tenant, seq::text, (extract(epoch from at) * 1000000)::bigint::text, uid::text, v"
                        + " FROM tenants ORDER BY tenants.seq")) {
            return DuckDb.collect(rs);
        }
    }

    private List<List<String>> exported(ExportResult r) {
        List<String> files = new ArrayList<>();
        for (String key : DuckDb.manifestKeys(out.resolve(r.manifestKey()))) {
            files.add("'" + out.resolve(key) + "'");
        }
        return duck.rows("SELECT tenant, seq::text, epoch_us(\"at\")::text, uid::text, v FROM read_parquet(["
                + String.join(", ", files) + "]) ORDER BY seq::int");
    }
}
