package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.TestDatabases;
import io.rivet.state.StateStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Type fidelity for PostgreSQL: every type of {@code golden/postgres-types.txt} with its edge values is exported
 * through the public API to Parquet and to CSV, read back by DuckDB and compared with the server's own rendering
 * ({@code col::text}) and with the golden file. Normalisations, each only where the formats legitimately differ, are in
 * {@link #duckRender} and {@link #normalise}; values that cannot round-trip are listed in design note 011.
 */
class PostgresTypeFidelityIT {
    private static final List<GoldenTypes.Type> TYPES = GoldenTypes.load("/golden/postgres-types.txt");
    private static TestDatabases.PostgresDatabase db;

    @TempDir
    Path out;

    @BeforeAll
    static void tables() {
        db = TestDatabases.postgres().createDatabase("golden_pg");
        List<String> sql = new ArrayList<>();
        for (GoldenTypes.Type t : TYPES) {
            sql.add("CREATE TABLE " + t.table() + " (id int PRIMARY KEY, v " + t.type() + ")");
            for (int i = 0; i < t.values().size(); i++) {
                sql.add("INSERT INTO " + t.table() + " VALUES (" + i + ", (" + t.values().get(i).literal() + ")::"
                        + t.type() + ")");
            }
        }
        db.execute(sql.toArray(String[]::new));
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    static Stream<Arguments> matrix() {
        return TYPES.stream().flatMap(t -> Stream.of(Arguments.of(t, "parquet"), Arguments.of(t, "csv")));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("matrix")
    void typeRoundTrips(GoldenTypes.Type type, String format) throws Exception {
        List<String> expected = type.values().stream().map(GoldenTypes.Value::expected).toList();
        assertEquals(expected, server(type), "the server renders the golden values as the golden file says");
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            ExportResult r = rivet.run(Export.builder().name("g").table(type.table())
                    .source(Source.jdbcUrl(db.jdbcUrl()).toBuilder().user(db.user()).build())
                    .format(format.equals("csv") ? Format.csv() : Format.parquet()).sink(Sink.local(out))
                    .strictTypes(true).build());
            assertEquals(List.of(), r.warnings(), "no PostgreSQL mapping is lossy");
            String files = "'" + out + "/g/**/*." + format + "'";
            String from = format.equals("csv")
                    ? "(SELECT id::int AS id, CAST(v AS " + type.duckType() + ") AS v FROM read_csv(" + files
                            + ", header=true, allow_quoted_nulls=false, all_varchar=true))"
                    : "read_parquet(" + files + ")";
            if (format.equals("csv") && type.render().equals("hex")) {
                // CSV holds bytes as lowercase hex text (002); unhex is DuckDB's reading of that form.
                from = "(SELECT id::int AS id, unhex(v) AS v FROM read_csv(" + files
                        + ", header=true, allow_quoted_nulls=false, all_varchar=true))";
            }
            List<String> read = new ArrayList<>();
            try (DuckDb duck = new DuckDb()) {
                for (List<String> row : duck.rows("SELECT " + duckRender(type.render()) + " FROM " + from
                        + " ORDER BY id")) {
                    read.add(row.get(0));
                }
            }
            assertEquals(normalise(type.render(), expected), normalise(type.render(), read),
                    type + " read back from " + format);
        }
    }

    /**
     * The server's rendering: {@code col::text}, except bytes as hex and arrays as JSON (to compare with DuckDB), and
     * char(n) as sent.
     */
    private static List<String> server(GoldenTypes.Type type) throws Exception {
        String expr = switch (type.render()) {
            case "hex" -> "encode(v, 'hex')";
            case "list" -> "array_to_json(v)::text";
            // char(n)::text drops the padding; the column's own output, which every client (and Rivet) reads, keeps it.
            case "padded" -> "v";
            default -> "v::text";
        };
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT " + expr + " FROM " + type.table() + " ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * DuckDB's rendering of the value read back. {@code hex}: DuckDB prints a BLOB with {@code \x} escapes, so both
     * sides compare lowercase hex. {@code list}: DuckDB prints lists as {@code [1, NULL]}, PostgreSQL as {@code {1,NULL}};
     * both sides compare JSON ({@code to_json} / {@code array_to_json}). {@code utc}: DuckDB prints a TIMESTAMPTZ in its
     * own session time zone; the UTC wall clock plus {@code +00} is what PostgreSQL prints in a UTC session.
     */
    private static String duckRender(String render) {
        return switch (render) {
            case "hex" -> "lower(hex(v))";
            case "list" -> "to_json(v)::VARCHAR";
            case "utc" -> "CASE WHEN v IS NULL THEN NULL ELSE timezone('UTC', v)::VARCHAR || '+00' END";
            default -> "v::VARCHAR";
        };
    }

    /**
     * {@code float}: the same double spelled two ways (PostgreSQL {@code Infinity}, {@code -0}, {@code 3.4028235e+38};
     * DuckDB {@code inf}, {@code -0.0}, {@code 3.4028235e+38}) is compared as the value, bit for bit (so {@code -0}
     * and {@code 0} stay apart). Every other render is compared exactly.
     */
    private static List<String> normalise(String render, List<String> values) {
        if (!render.equals("float")) {
            return values;
        }
        return values.stream().map(s -> s == null ? null : Long.toHexString(Double.doubleToRawLongBits(
                Double.parseDouble(s.replace("inf", "Infinity").replace("nan", "NaN"))))).toList();
    }
}
