package io.rivet.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The PostgreSQL server benchmarks read from: {@code RIVET_BENCH_PG_URL} (environment) or system property
 * {@code rivet.bench.pg.url}, else the local server {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}.
 * The memory budget benchmark uses database {@code rivet_bench} of the same server (see {@link #url(String)}).
 */
public final class BenchDatabase {

    private static final String DEFAULT = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private BenchDatabase() {
    }

    /** The configured JDBC URL. */
    public static String url() {
        String url = System.getProperty("rivet.bench.pg.url", System.getenv("RIVET_BENCH_PG_URL"));
        return url == null || url.isBlank() ? DEFAULT : url;
    }

    /** The configured URL with its database replaced by {@code database}. */
    public static String url(String database) {
        String url = url();
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int slash = base.lastIndexOf('/');
        return base.substring(0, slash + 1) + database + params;
    }

    /** A new connection to the configured server; the caller closes it. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }
}
