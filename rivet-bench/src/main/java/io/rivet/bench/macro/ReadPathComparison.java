package io.rivet.bench.macro;

import com.sun.management.OperatingSystemMXBean;
import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.state.StateStores;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The measurement behind docs/design/006-fast-path.md section 1: the same chunked export (2 workers, Parquet zstd
 * level 1) through PostgreSQL's binary COPY ({@link Profile#FAST}) and through the cursor (FAST with bulk read turned
 * off), alternating in one JVM, printing wall time, the JVM's CPU time and bytes written per run. The first round
 * includes JIT warm-up; compare the later ones.
 *
 * <p>Needs the fixtures in database {@code rivet_bench} ({@code scripts/bench-e2e.sh} loads them). Command, after
 * {@code mvn -B -o package -DskipTests -pl rivet-bench -am}:
 * <pre>
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -cp rivet-bench/target/benchmarks.jar \
 *   io.rivet.bench.macro.ReadPathComparison content_items 3
 * </pre>
 * Arguments: table (default {@code content_items}), rounds (default 3); {@code RIVET_BENCH_PG_URL} names the server
 * (default {@code jdbc:postgresql://127.0.0.1:5432/rivet_bench?user=postgres}).
 */
public final class ReadPathComparison {

    private ReadPathComparison() {
    }

    /** Runs the comparison; see the class comment. */
    public static void main(String[] args) throws IOException {
        String table = args.length > 0 ? args[0] : "content_items";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String url = System.getenv().getOrDefault("RIVET_BENCH_PG_URL",
                "jdbc:postgresql://127.0.0.1:5432/rivet_bench?user=postgres");
        Profile copy = Profile.FAST;
        Profile cursor = Profile.FAST.toBuilder().name("fast-cursor").bulkReadEnabled(false).build();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            for (int round = 1; round <= rounds; round++) {
                for (Profile profile : new Profile[] {copy, cursor}) {
                    Path dir = Files.createTempDirectory("rivet-read-paths");
                    long cpu0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    ExportResult result = rivet.run(Export.builder().name("read_paths_" + profile.name().replace('-', '_'))
                            .source(Source.jdbcUrl(url)).table(table).mode(Mode.chunked("id").parallelism(2))
                            .profile(profile).format(Format.parquet().withCompressionLevel(1)).sink(Sink.local(dir))
                            .build());
                    long t1 = System.nanoTime();
                    long cpu1 = os.getProcessCpuTime();
                    System.out.printf("%s %-12s round %d: %,d rows  wall %.2f s  JVM CPU %.2f s  %,d bytes%n", table,
                            profile.name(), round, result.rows(), (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9, result.bytes());
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                    }
                }
            }
        }
    }
}
