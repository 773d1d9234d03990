package io.rivet.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark baseline (not a test): what most teams would write without Rivet, Spark 3.5's JDBC source in
 * {@code local[N]} reading a PostgreSQL table partitioned on its {@code id} range, written as Parquet zstd. One export
 * per JVM, so that {@code scripts/bench-e2e.sh} measures its wall time and peak RSS exactly as it measures Rivet's.
 *
 * <p>Arguments: {@code jdbcUrl table partitions outputDir}. Prints one line: files written, seconds; the files stay for
 * the caller to measure. Spark's own defaults otherwise ({@code fetchsize} 1,000 rows, the JVM's default heap).
 */
public final class SparkJdbcBaseline {

    private SparkJdbcBaseline() {
    }

    /** Runs one export; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: SparkJdbcBaseline <jdbcUrl> <table> <partitions> <outputDir>");
            System.exit(1);
        }
        String url = args[0];
        String table = args[1];
        int partitions = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master("local[" + partitions + "]").appName("spark-jdbc-baseline")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.parquet.compression.codec", "zstd").getOrCreate();
        try {
            Properties props = new Properties();
            props.setProperty("fetchsize", "1000");
            Row bounds = spark.read().jdbc(url, "(SELECT min(id) AS lo, max(id) AS hi FROM " + table + ") b", props)
                    .first();
            long lo = ((Number) bounds.get(0)).longValue();
            long hi = ((Number) bounds.get(1)).longValue();
            Dataset<Row> rows = spark.read().jdbc(url, table, "id", lo, hi + 1, partitions, props);
            rows.write().parquet(out.toString());
            long files;
            try (Stream<Path> list = Files.list(out)) {
                files = list.filter(p -> p.toString().endsWith(".parquet")).count();
            }
            System.out.printf("spark-jdbc %s: %d Parquet files in %.2f s%n", table, files, (System.nanoTime() - t0) / 1e9);
        } finally {
            spark.stop();
        }
    }
}
