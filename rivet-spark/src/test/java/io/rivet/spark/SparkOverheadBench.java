package io.rivet.spark;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.testing.TestDatabases;
import io.rivet.core.testing.TestDatabases.PostgresDatabase;
import io.rivet.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test): the same chunked export on one machine and on Spark local[2], alternating, to state the
 * overhead of the Spark path. Run as documented in docs/benchmarks.md; prints one line per run.
 */
public final class SparkOverheadBench {

    private SparkOverheadBench() {
    }

    /** Arguments: [rows] [runs]. */
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (PostgresDatabase db = TestDatabases.postgres().createDatabase("spark_bench")) {
            db.execute("CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, s text NOT NULL, at timestamptz NOT NULL)",
                    "INSERT INTO big SELECT g, (g::bigint * 7919 % 1000)::int, 'row-' || g, timestamptz '2024-01-01'"
                            + " + g * interval '1 second' FROM generate_series(1, " + rows + ") g",
                    "VACUUM (FREEZE, ANALYZE) big");
            SparkSession spark = SparkSession.builder().master("local[2]").appName("rivet-spark-bench")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
            Path dir = Files.createTempDirectory("rivet-spark-bench");
            try {
                for (int i = 1; i <= runs; i++) {
                    for (String where : new String[] {"single", "spark"}) {
                        Path out = dir.resolve(where + i);
                        Export e = Export.builder().name("big").source(Source.jdbcUrl(db.jdbcUrl()).toBuilder()
                                .user(db.user()).build()).table("big")
                                .mode(Mode.chunked("id").chunkSize(rows / 8).parallelism(2)).format(Format.parquet())
                                .sink(Sink.local(out)).build();
                        long t0 = System.nanoTime();
                        ExportResult r;
                        try (Rivet rivet = Rivet.builder().stateStore(StateStores.file(out.resolve(".rivet")))
                                .build()) {
                            r = where.equals("spark")
                                    ? RivetSpark.run(spark, rivet, e, RivetSpark.Options.defaults().maxConnections(2))
                                    : rivet.run(e);
                        }
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        System.out.printf("run %d %-6s %,d rows %,d bytes %d files %d ms%n", i, where, r.rows(),
                                r.bytes(), r.files().size(), ms);
                    }
                }
            } finally {
                spark.stop();
            }
        }
    }
}
