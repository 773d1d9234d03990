package io.rivet.cli;

import io.rivet.Compression;
import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.exception.RivetException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rivet demo}: starts a throwaway PostgreSQL from Maven Central binaries (no Docker, no database of the user's),
 * loads a sample table of mixed types with {@code generate_series}, exports it in chunks to Parquet through the SDK,
 * and tells the user how to look at the result. The embedded server is stopped at the end, also on failure.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Exports a generated sample table from a throwaway embedded PostgreSQL to Parquet.")
final class DemoCommand implements Callable<Integer> {
    static final String TABLE = "demo_items";

    private final RivetCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "1000000", paramLabel = "N",
            description = "Rows in the sample table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--out", defaultValue = "rivet-demo", paramLabel = "DIR",
            description = "Output directory; the state store goes in DIR/.rivet (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--parallel", defaultValue = "2", paramLabel = "N",
            description = "Chunks read at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    DemoCommand(RivetCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        if (rows < 1 || rows > 500_000_000L) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--rows must be from 1 to 500000000 but was " + rows);
        }
        if (parallel < 1 || parallel > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--parallel must be from 1 to 64 but was " + parallel);
        }
        PrintWriter o = cli.out();
        o.println("Starting an embedded PostgreSQL...");
        o.flush();
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    // A throwaway server: durability buys nothing and costs the load step seconds.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_wal_size", "2GB")
                    .start();
        } catch (IOException e) {
            throw new RivetException("the embedded PostgreSQL did not start: " + e.getMessage()
                    + ". It unpacks its binaries into the temporary directory; check that it is writable and"
                    + " not mounted noexec.", e);
        }
        try (pg) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            load(url, o);
            return export(url, o);
        } catch (IOException e) {
            // Closing the server failed; the export result (printed already) stands.
            cli.err().println("warning: the embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            return ExitCodes.OK;
        }
    }

    private void load(String url, PrintWriter o) {
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public." + TABLE + " ("
                    + " id bigint NOT NULL,"
                    + " category_id integer,"
                    + " title text,"
                    + " price numeric(12,2),"
                    + " score double precision,"
                    + " active boolean,"
                    + " created_at timestamptz,"
                    + " ship_date date,"
                    + " external_id uuid,"
                    + " attributes jsonb)");
            // Deterministic values (no random()) so that two demo runs export the same data; NULLs in every
            // nullable column at different strides; text from 5 to ~140 characters.
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO public." + TABLE
                    + " SELECT g,"
                    + " (g % 97)::int,"
                    + " CASE WHEN g % 17 = 0 THEN NULL ELSE 'item ' || g || repeat(' lorem ipsum', (g % 11)::int) END,"
                    + " CASE WHEN g % 23 = 0 THEN NULL ELSE (((g * 7919) % 10000000) / 100.0)::numeric(12,2) END,"
                    + " CASE WHEN g % 31 = 0 THEN NULL ELSE sin(g) * 1000 END,"
                    + " CASE WHEN g % 13 = 0 THEN NULL ELSE g % 3 <> 0 END,"
                    + " timestamptz '2024-01-01 00:00:00+00' + g * interval '17 seconds',"
                    + " CASE WHEN g % 19 = 0 THEN NULL ELSE date '2020-01-01' + (g % 2500)::int END,"
                    + " md5(g::text)::uuid,"
                    + " CASE WHEN g % 29 = 0 THEN NULL"
                    + "   ELSE jsonb_build_object('n', g, 'tag', 'tag-' || (g % 10), 'even', g % 2 = 0) END"
                    + " FROM generate_series(1::bigint, ?) AS g")) {
                insert.setLong(1, rows);
                insert.executeUpdate();
            }
            // The key is added after the load: building the index once is faster than maintaining it per row.
            s.execute("ALTER TABLE public." + TABLE + " ADD PRIMARY KEY (id)");
            s.execute("ANALYZE public." + TABLE);
            long size;
            try (ResultSet rs = s.executeQuery("SELECT pg_total_relation_size('public." + TABLE + "')")) {
                rs.next();
                size = rs.getLong(1);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            o.println("Loaded " + Formats.count(rows) + " rows into " + TABLE + " (" + Formats.bytes(size)
                    + " in PostgreSQL) in " + Formats.duration(took) + ".");
            o.flush();
        } catch (SQLException e) {
            throw new RivetException("the demo could not load its sample table: " + e.getMessage()
                    + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    private int export(String url, PrintWriter o) {
        Path dir = out.toAbsolutePath().normalize();
        Export export = Export.builder()
                .name(TABLE)
                .source(Source.jdbcUrl(url))
                .table("public." + TABLE)
                .mode(Mode.chunked("id").chunkSize(100_000).parallelism(parallel))
                .profile(Profile.FAST)
                .format(Format.parquet().withCompression(Compression.ZSTD))
                .sink(Sink.local(dir))
                .build();
        o.println("Exporting " + TABLE + " to " + out + "/ (chunked by id, 100,000 ids per chunk, " + parallel
                + " at a time, profile fast, Parquet zstd)...");
        o.flush();
        ExportResult r;
        try (Rivet rivet = Rivet.builder()
                .stateDirectory(dir.resolve(".rivet"))
                .addListener(new ProgressListener(cli.err(), cli.terminal()))
                .build()) {
            r = rivet.run(export);
        }
        String runDir = Formats.runPrefix(r);
        String dataDir = Formats.dataPrefix(r);
        Path shown = out.normalize();
        o.println();
        o.println("Exported " + Formats.count(r.rows()) + " rows to " + r.files().size() + " Parquet files ("
                + Formats.bytes(r.bytes()) + ") in " + Formats.duration(r.duration()) + ": "
                + Formats.count(Formats.rate(r.rows(), r.duration())) + " rows/s.");
        if (runDir != null) {
            o.println("Output:   " + shown.resolve(runDir) + "/");
            if (r.manifestKey() != null) {
                o.println("Manifest: " + shown.resolve(r.manifestKey()));
            }
            o.println();
            o.println("Look at it with DuckDB:");
            o.println("  duckdb -c \"select count(*) from read_parquet('" + shown.resolve(dataDir)
                    + "/*.parquet')\"");
            o.println("  duckdb -c \"describe select * from read_parquet('" + shown.resolve(dataDir)
                    + "/*.parquet')\"");
        }
        r.warnings().forEach(w -> cli.err().println("warning: " + w));
        o.flush();
        return ExitCodes.OK;
    }
}
