package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.core.testing.MySqlDatabase;
import io.rivet.core.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CLI in-process against the MySQL or MariaDB of {@link TestDatabases#mysql()}, in a database of its own,
 * with the source given as a {@code mysql://} URI in an environment variable (the Rust tool's form), and reads every
 * output back with DuckDB.
 */
class CliMySqlIT {
    private static MySqlDatabase db;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabases.mysql().createDatabase("cli_mysql_it");
        db.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(20), amount decimal(10,2),"
                        + " created_at timestamp(6) NULL, paid tinyint(1))",
                "SET time_zone = '+00:00'",
                "INSERT INTO orders VALUES (1, 'ada', 10.50, '2024-01-01 10:00:00', 1),"
                        + " (2, NULL, 0.01, '2024-01-02 11:30:00.25', 0), (3, 'grace', 99999.99, NULL, NULL),"
                        + " (4, 'zoë', -3.00, '2024-03-04 05:06:07.000008', 1)");
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    private int rivet(String... args) {
        return new RivetCli(new PrintWriter(out), new PrintWriter(err), Map.of("RIVET_MYSQL_URL", db.uri()), false)
                .execute(args);
    }

    @Test
    void run_exportsMysqlInChunkedParquetAndFullCsv_thatDuckDbReadsBack() throws Exception {
        Path file = dir.resolve("rivet.yaml");
        Files.writeString(file, """
                source:
                  type: mysql
                  url_env: RIVET_MYSQL_URL
                  tuning: {profile: safe}
                exports:
                  - name: orders_chunked
                    table: orders
                    mode: chunked
                    chunk_size: 2
                    parallel: 2
                    format: parquet
                    destination: {type: local, path: out}
                  - name: orders_csv
                    table: orders
                    format: csv
                    destination: {type: local, path: out}
                """);

        int code = rivet("run", "-c", file.toString());

        assertEquals(0, code, err.toString());
        String parquet = dir.resolve("out/orders_chunked") + "/**/*.parquet";
        assertEquals(List.of("4|10|100007.50|1|2|1704103200000000"), duck("SELECT count(*), sum(id), sum(amount),"
                + " count(*) FILTER (WHERE customer IS NULL), count(*) FILTER (WHERE paid), min(epoch_us(created_at))"
                + " FROM read_parquet('" + parquet + "')"));
        String csv = dir.resolve("out/orders_csv") + "/**/*.csv";
        assertEquals(List.of("1|ada|10.50|2024-01-01T10:00:00.000000Z|true", "2|null|0.01|2024-01-02T11:30:00.250000Z|false",
                "3|grace|99999.99|null|null", "4|zoë|-3.00|2024-03-04T05:06:07.000008Z|true"),
                duck("SELECT id, customer, amount, created_at, paid FROM read_csv('" + csv + "', header = true,"
                        + " all_varchar = true, allow_quoted_nulls = false) ORDER BY id::int"));
        assertTrue(out.toString().contains("orders_chunked: 4 rows") && out.toString().contains("orders_csv: 4 rows"),
                out.toString());
    }

    private static List<String> duck(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(b.toString());
            }
            return rows;
        }
    }
}
