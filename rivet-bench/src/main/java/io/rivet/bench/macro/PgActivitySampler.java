package io.rivet.bench.macro;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.Set;

/**
 * Watches what a benchmark does to PostgreSQL: samples {@code pg_stat_activity} every few milliseconds from its own
 * session in another database and reports the longest single statement, the longest transaction and the most
 * client sessions that database saw, until the file {@code <out>.stop} appears. It creates {@code <out>.ready}
 * after its first sample, so a script can wait for it before starting what it measures. Used by {@code scripts/bench-e2e.sh}.
 *
 * <p>A finished statement is measured exactly: once a backend is no longer {@code active}, {@code state_change -
 * query_start} is the duration of its last statement. A running statement or transaction is measured as of the
 * sample, so those can be short by at most one interval. Only statements and transactions that started after the
 * sampler did count.
 *
 * <pre>
 * java -cp rivet-bench/target/benchmarks.jar io.rivet.bench.macro.PgActivitySampler JDBC_URL DATABASE OUT_FILE [ms [APP]]
 * </pre>
 * The JDBC URL should name a database other than the watched one; the report is written to {@code OUT_FILE} as
 * {@code key=value} lines. With {@code APP}, only sessions whose {@code application_name} starts with it count, so
 * that other users of the server do not show up in the figures.
 */
public final class PgActivitySampler {

    private PgActivitySampler() {
    }

    /** Samples until {@code OUT_FILE.stop} exists, then writes the report. */
    public static void main(String[] args) throws SQLException, IOException, InterruptedException {
        String url = args[0];
        String database = args[1];
        Path out = Path.of(args[2]);
        Path stop = Path.of(args[2] + ".stop");
        long intervalMs = args.length > 3 ? Long.parseLong(args[3]) : 10;
        String app = args.length > 4 ? args[4] : "";
        double longestStatement = 0;
        String longestStatementQuery = "";
        double longestTransaction = 0;
        int maxSessions = 0;
        long samples = 0;
        Set<Integer> pids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("SELECT pid, state, query_start, xact_start, state_change,"
                        + " left(regexp_replace(query, '\\s+', ' ', 'g'), 100), clock_timestamp()"
                        + " FROM pg_stat_activity WHERE datname = ? AND backend_type = 'client backend'"
                        + " AND pid <> pg_backend_pid() AND starts_with(application_name, ?)")) {
            ps.setString(1, database);
            ps.setString(2, app);
            Timestamp started;
            try (java.sql.Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
                rs.next();
                started = rs.getTimestamp(1);
            }
            while (!Files.exists(stop)) {
                int sessions = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sessions++;
                        pids.add(rs.getInt(1));
                        String state = rs.getString(2);
                        Timestamp queryStart = rs.getTimestamp(3);
                        Timestamp xactStart = rs.getTimestamp(4);
                        Timestamp stateChange = rs.getTimestamp(5);
                        Timestamp now = rs.getTimestamp(7);
                        if (queryStart != null && !queryStart.before(started)) {
                            Timestamp end = "active".equals(state) ? now : stateChange;
                            double d = seconds(queryStart, end);
                            if (d > longestStatement) {
                                longestStatement = d;
                                longestStatementQuery = rs.getString(6);
                            }
                        }
                        if (xactStart != null && !xactStart.before(started)) {
                            longestTransaction = Math.max(longestTransaction, seconds(xactStart, now));
                        }
                    }
                }
                maxSessions = Math.max(maxSessions, sessions);
                if (samples++ == 0) {
                    Files.writeString(Path.of(args[2] + ".ready"), "ready\n");
                }
                Thread.sleep(intervalMs);
            }
        }
        try (PrintStream p = new PrintStream(Files.newOutputStream(out))) {
            p.printf("longest_statement_s=%.3f%n", longestStatement);
            p.printf("longest_statement_query=%s%n", longestStatementQuery);
            p.printf("longest_transaction_s=%.3f%n", longestTransaction);
            p.printf("max_sessions=%d%n", maxSessions);
            p.printf("distinct_sessions=%d%n", pids.size());
            p.printf("samples=%d%n", samples);
        }
        Files.deleteIfExists(stop);
    }

    private static double seconds(Timestamp from, Timestamp to) {
        return (to.getTime() - from.getTime()) / 1000.0 + (to.getNanos() % 1_000_000 - from.getNanos() % 1_000_000)
                / 1e9;
    }
}
