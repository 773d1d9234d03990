package io.rivet.spark;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Rivet;
import io.rivet.cli.config.ConfigLoader;
import io.rivet.cli.config.RivetConfig;
import io.rivet.exception.RivetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code spark-submit} entry point: runs the exports of a rivet.yaml on the cluster, one after another.
 *
 * <pre>
 * spark-submit --class io.rivet.spark.RivetSparkMain rivet-spark-app.jar rivet.yaml \
 *     [--export NAME]... [--resume] [--max-connections N] [--state DIR]
 * </pre>
 *
 * <p>The state directory (default {@code .rivet} beside the YAML) is on the driver; executors write only data files.
 * Exits 0 when every export succeeded, 1 when one failed (the others still ran), 2 on bad arguments.
 */
public final class RivetSparkMain {

    private RivetSparkMain() {
    }

    /** Runs the command line; see the class description. */
    public static void main(String[] args) {
        System.exit(run(args, null));
    }

    /** Runs the command line on {@code provided}, or on a session of its own (stopped at the end) when null. */
    static int run(String[] args, SparkSession provided) {
        Path config = null;
        Path state = null;
        boolean resume = false;
        int maxConnections = RivetSpark.Options.defaults().maxConnections();
        List<String> names = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--export" -> names.add(args[++i]);
                    case "--resume" -> resume = true;
                    case "--max-connections" -> maxConnections = Integer.parseInt(args[++i]);
                    case "--state" -> state = Path.of(args[++i]);
                    default -> {
                        if (args[i].startsWith("--") || config != null) {
                            throw new IllegalArgumentException("unknown argument " + args[i]);
                        }
                        config = Path.of(args[i]);
                    }
                }
            }
            if (config == null) {
                throw new IllegalArgumentException("the rivet.yaml path is missing");
            }
        } catch (RuntimeException e) {
            System.err.println("rivet-spark: " + e.getMessage() + "\nUsage: spark-submit --class "
                    + RivetSparkMain.class.getName() + " <app.jar> rivet.yaml [--export NAME]... [--resume]"
                    + " [--max-connections N] [--state DIR]");
            return 2;
        }
        RivetConfig loaded = ConfigLoader.load(config.toAbsolutePath(), System.getenv());
        List<Export> exports = loaded.exports().stream()
                .filter(e -> names.isEmpty() || names.contains(e.name())).toList();
        if (exports.isEmpty()) {
            System.err.println("rivet-spark: no export named " + names + " in " + config);
            return 2;
        }
        RivetSpark.Options options = RivetSpark.Options.defaults().maxConnections(maxConnections).resume(resume);
        SparkSession spark = provided != null ? provided
                : SparkSession.builder().appName("rivet " + config.getFileName()).getOrCreate();
        int failed = 0;
        try (Rivet rivet = Rivet.builder()
                .stateDirectory(state != null ? state : loaded.directory().resolve(".rivet")).build()) {
            for (Export export : exports) {
                try {
                    ExportResult r = RivetSpark.run(spark, rivet, export, options);
                    System.out.println(export.name() + ": " + r.status() + ", " + r.rows() + " rows in "
                            + r.files().size() + " files, run " + r.runId());
                } catch (RivetException e) {
                    failed++;
                    System.err.println(export.name() + ": FAILED: " + e.getMessage());
                }
            }
        } finally {
            if (provided == null) {
                spark.stop();
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
