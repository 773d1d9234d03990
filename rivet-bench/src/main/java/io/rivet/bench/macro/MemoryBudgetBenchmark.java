package io.rivet.bench.macro;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Format;

import io.rivet.Profile;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.bench.BenchDatabase;
import io.rivet.state.StateStores;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.arrow.memory.BufferAllocator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory budget table of the production checklist ({@code ../shared/seeds/rivet-production-checklist.txt}):
 * exports a narrow table ({@code events}: 10,000,000 rows × 5 columns) and a wide one ({@code content_items}:
 * 2,000,000 rows × 20 columns) to Parquet zstd with {@code batch_size} 5,000, 10,000 and 50,000, each in a fresh JVM
 * with default heap settings, and measures the JVM's peak heap (the largest heap in use before any collection, and
 * sampled every 5 ms), the peak of the engine's Arrow allocator (off-heap batches and row groups), and the peak RSS of
 * the whole process ({@code VmHWM}). Each cell is printed beside the checklist's budget, the low end of its range,
 * with PASS or FAIL; {@link MemoryBudgetReport} prints the whole table.
 *
 * <p>The export is chunked on {@code id} (250,000 rows per chunk, 2 workers) with the given profile and an explicit
 * {@code batch_size}, which fixes the rows per Arrow batch as the Rust tool's key does. The JVM runs without
 * {@code -Xmx}: the budget is about what Rivet itself keeps bounded.
 *
 * <p>Needs the fixtures loaded in database {@code rivet_bench} ({@code scripts/bench-e2e.sh} loads them) on the server
 * of {@code RIVET_BENCH_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}).
 *
 * <p>Commands (after {@code mvn -B -o package -DskipTests -pl rivet-bench -am}):
 * <pre>
 * java -cp rivet-bench/target/benchmarks.jar io.rivet.bench.macro.MemoryBudgetReport     # the table
 * java -jar rivet-bench/target/benchmarks.jar MemoryBudgetBenchmark -rf json -rff target/memory-budget.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class MemoryBudgetBenchmark {

    /** The checklist's budgets, the low end of each range in MB, by table and batch size. */
    static final Map<String, Long> BUDGET_MB = Map.of(
            "narrow/5000", 100L, "narrow/10000", 200L, "narrow/50000", 500L,
            "wide/5000", 300L, "wide/10000", 500L, "wide/50000", 2048L);

    /** {@code narrow} ({@code events}) or {@code wide} ({@code content_items}). */
    @Param({"narrow", "wide"})
    public String table;

    /** Rows per Arrow batch ({@code tuning.batch_size}). */
    @Param({"5000", "10000", "50000"})
    public int batchSize;

    /** The profile: {@code fast} (binary COPY) or {@code safe} (cursor). */
    @Param({"fast"})
    public String profile;

    private Path dir;
    private Rivet rivet;
    private final AtomicLong heapPeak = new AtomicLong();
    private volatile boolean sampling;
    private Thread sampler;

    /** What one cell measured; JMH reports the fields as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Peaks {
        /** Peak process RSS (VmHWM), MB. */
        public long rssMb;
        /** Peak heap in use, MB. */
        public long heapMb;
        /** Peak of the engine's Arrow allocator, MB. */
        public long arrowMb;
        /** The checklist budget (low end), MB. */
        public long budgetMb;
        /** 1 when RSS is at or below the budget. */
        public long pass;
        /** Rows exported. */
        public long rows;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("rivet-memory-budget");
        rivet = Rivet.builder().stateStore(StateStores.inMemory()).build();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                CompositeData info = (CompositeData) n.getUserData();
                CompositeData gcInfo = (CompositeData) info.get("gcInfo");
                long used = 0;
                for (Object o : ((javax.management.openmbean.TabularData) gcInfo.get("memoryUsageBeforeGc"))
                        .values()) {
                    CompositeData row = (CompositeData) o;
                    String pool = (String) row.get("key");
                    if (isHeapPool(pool)) {
                        used += MemoryUsage.from((CompositeData) row.get("value")).getUsed();
                    }
                }
                heapPeak.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        sampling = true;
        sampler = new Thread(() -> {
            while (sampling) {
                heapPeak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                        Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private static boolean isHeapPool(String pool) {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(pool) && p.getType() == java.lang.management.MemoryType.HEAP);
    }

    @Benchmark
    public ExportResult export(Peaks peaks) {
        String fixture = table.equals("narrow") ? "events" : "content_items";
        Export export = Export.builder()
                .name("budget_" + table + "_" + batchSize)
                .source(Source.jdbcUrl(BenchDatabase.url("rivet_bench")))
                .table(fixture)
                .mode(io.rivet.Mode.chunked("id").chunkSize(250_000).parallelism(2))
                .profile(Profile.named(profile))
                .batchRows(batchSize)
                .format(Format.parquet())
                .sink(Sink.local(dir))
                .build();
        ExportResult result = rivet.run(export);
        peaks.rows = result.rows();
        peaks.heapMb = heapPeak.get() >> 20;
        peaks.arrowMb = arrowPeak(rivet) >> 20;
        peaks.rssMb = rssPeakKb() >> 10;
        peaks.budgetMb = BUDGET_MB.get(table + "/" + batchSize);
        peaks.pass = peaks.rssMb <= peaks.budgetMb ? 1 : 0;
        System.out.printf("%n%-6s batch_size=%-6d rows=%d  RSS %d MB (budget %d MB: %s)  heap %d MB  Arrow %d MB%n",
                table, batchSize, result.rows(), peaks.rssMb, peaks.budgetMb, peaks.pass == 1 ? "PASS" : "FAIL",
                peaks.heapMb, peaks.arrowMb);
        return result;
    }

    /** The engine's Arrow allocator is internal; a benchmark may look at it. */
    private static long arrowPeak(Rivet rivet) {
        try {
            Field f = rivet.getClass().getDeclaredField("allocator");
            f.setAccessible(true);
            return ((BufferAllocator) f.get(rivet)).getPeakMemoryAllocation();
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    /** VmHWM: the peak resident set of this process, in KB. */
    static long rssPeakKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sampling = false;
        sampler.interrupt();
        rivet.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
