package io.rivet.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.DuckDb;
import io.rivet.core.testing.MySqlDatabase;
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
 * Type fidelity for MySQL/MariaDB (the local MariaDB here): every type of {@code golden/mysql-types.txt} with its edge
 * values is exported through the public API to Parquet and to CSV, read back by DuckDB and compared with the server's
 * own rendering ({@code CAST(col AS CHAR)}) and with the golden file. The source URL sets
 * {@code zeroDateTimeBehavior=CONVERT_TO_NULL}, so zero dates are exported as NULL: those values are marked lossy in
 * the golden file and must appear, counted per column, in the result's warnings. Normalisations are in
 * {@link #duckRender} and {@link #normalise}, each explained.
 */
class MySqlTypeFidelityIT {
    private static final List<GoldenTypes.Type> TYPES = GoldenTypes.load("/golden/mysql-types.txt");
    private static MySqlDatabase db;

    @TempDir
    Path out;

    @BeforeAll
    static void tables() {
        db = TestDatabases.mysql().createDatabase("golden_my");
        // UTC for TIMESTAMP values; no NO_ZERO_DATE/NO_ZERO_IN_DATE so the zero dates can be stored.
        List<String> sql = new ArrayList<>(List.of("SET time_zone = '+00:00'", "SET sql_mode = ''"));
        for (GoldenTypes.Type t : TYPES) {
            sql.add("CREATE TABLE " + t.table() + " (id int PRIMARY KEY, v " + t.type() + ")"
                    + " DEFAULT CHARSET utf8mb4");
            for (int i = 0; i < t.values().size(); i++) {
                sql.add("INSERT INTO " + t.table() + " VALUES (" + i + ", " + t.values().get(i).literal() + ")");
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
        List<String> server = server(type);
        for (int i = 0; i < expected.size(); i++) {
            if (type.values().get(i).lossy()) {
                assertNotNull(server.get(i), "a lossy value exists in the server: " + type.values().get(i));
            } else {
                assertEquals(expected.get(i), server.get(i), "the server renders " + type.values().get(i).literal());
            }
        }
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
                    + "zeroDateTimeBehavior=CONVERT_TO_NULL";
            ExportResult r = rivet.run(Export.builder().name("g").table(type.table())
                    .source(Source.builder().url(url).user(db.user()).password(db.password()).build())
                    .format(format.equals("csv") ? Format.csv() : Format.parquet()).sink(Sink.local(out)).build());
            long lossy = type.values().stream().filter(GoldenTypes.Value::lossy).count();
            assertEquals(lossy == 0 ? List.of() : List.of(lossy + " value(s) not exported exactly in column \"v\":"
                    + " zero date exported as NULL (zeroDateTimeBehavior=CONVERT_TO_NULL)"), r.warnings());
            String files = "'" + out + "/g/**/*." + format + "'";
            String csv = "read_csv(" + files + ", header=true, allow_quoted_nulls=false, all_varchar=true)";
            String from = format.equals("parquet") ? "read_parquet(" + files + ")"
                    // CSV holds bytes as lowercase hex text (002); unhex is DuckDB's reading of that form.
                    : type.render().equals("hex") ? "(SELECT id::int AS id, unhex(v) AS v FROM " + csv + ")"
                    : "(SELECT id::int AS id, CAST(v AS " + type.duckType() + ") AS v FROM " + csv + ")";
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
     * The server's rendering, {@code CAST(col AS CHAR)}, except: bytes as lowercase hex (to compare with DuckDB); BIT
     * as its number ({@code + 0}: CAST prints the raw bytes); FLOAT through DOUBLE, because MySQL prints a FLOAT
     * with six significant digits, which rounds (design note 007).
     */
    private static List<String> server(GoldenTypes.Type type) throws Exception {
        String expr = switch (type.render()) {
            case "hex" -> "LOWER(HEX(v))";
            case "num" -> "CAST(v + 0 AS CHAR)";
            case "float32" -> "CAST(CAST(v AS DOUBLE) AS CHAR)";
            default -> "CAST(v AS CHAR)";
        };
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            try (ResultSet rs = s.executeQuery("SELECT " + expr + " FROM " + type.table() + " ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * DuckDB's rendering. {@code hex}: DuckDB prints a BLOB with {@code \x} escapes; both sides compare lowercase
     * hex. {@code bool}: MySQL's {@code tinyint(1)} prints 1/0, the export is a BOOLEAN. {@code utc}: DuckDB prints
     * a TIMESTAMPTZ in its session time zone; the UTC wall clock is what MySQL prints in a {@code +00:00} session.
     */
    private static String duckRender(String render) {
        return switch (render) {
            case "hex" -> "lower(hex(v))";
            case "bool" -> "CASE WHEN v THEN '1' WHEN NOT v THEN '0' END";
            case "utc" -> "timezone('UTC', v)::VARCHAR";
            default -> "v::VARCHAR";
        };
    }

    /**
     * {@code float32}/{@code float64}: the same number spelled two ways is compared as the float or double it
     * denotes, bit for bit. {@code datetime}/{@code utc}: MySQL prints all six fraction digits, DuckDB only the
     * significant ones; trailing zeros (and a bare dot) are dropped on both sides. {@code micros}: TIME is exported
     * as signed microseconds (007); they are printed in MySQL's {@code [-]HH:MM:SS.ffffff} form.
     */
    private static List<String> normalise(String render, List<String> values) {
        return values.stream().map(s -> s == null ? null : switch (render) {
            case "float32" -> Integer.toHexString(Float.floatToRawIntBits(Float.parseFloat(s)));
            case "float64" -> Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(s)));
            case "datetime", "utc" -> s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
            case "micros" -> s.contains(":") ? s : time(Long.parseLong(s));
            default -> s;
        }).toList();
    }

    private static String time(long micros) {
        String sign = micros < 0 ? "-" : "";
        long m = Math.abs(micros);
        return String.format("%s%02d:%02d:%02d.%06d", sign, m / 3_600_000_000L, m / 60_000_000L % 60,
                m / 1_000_000L % 60, m % 1_000_000L);
    }
}
