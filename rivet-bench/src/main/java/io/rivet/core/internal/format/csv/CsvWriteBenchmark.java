package io.rivet.core.internal.format.csv;

import io.rivet.Format;
import io.rivet.bench.BenchData;
import io.rivet.bench.CountingNullStream;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Arrow to CSV: rows per second through {@link CsvFormatWriter} (rendering every type from the Arrow buffers, RFC 4180
 * quoting, UTF-8 encoding) on batches shaped like the {@code content_items} and {@code events} fixtures. One operation
 * is one row; an invocation writes {@value #ROWS} rows into one file.
 *
 * <p>Leaves out: reading from the database, the batch handoff, the sink (a counting null stream) and the SHA-256 of
 * each file.
 *
 * <p>Command (after {@code mvn -B -o package -DskipTests -pl rivet-bench -am}):
 * <pre>
 * java -jar rivet-bench/target/benchmarks.jar CsvWriteBenchmark -rf json -rff target/csv-write.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:MaxDirectMemorySize=1g", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class CsvWriteBenchmark {

    static final int BATCH_ROWS = 16_384;
    static final int BATCHES = 8;
    static final int ROWS = BATCH_ROWS * BATCHES;

    /** The fixture the batches imitate. */
    @Param({"content_items", "events"})
    public String table;

    private BufferAllocator allocator;
    private final List<Batch> batches = new ArrayList<>();
    private List<Column> columns;
    private final CsvFormatProvider provider = new CsvFormatProvider();
    private final CountingNullStream out = new CountingNullStream();

    @Setup(Level.Trial)
    public void setUp() {
        allocator = new RootAllocator();
        boolean wide = table.equals("content_items");
        columns = wide ? BenchData.CONTENT_ITEMS : BenchData.EVENTS;
        for (int b = 0; b < BATCHES; b++) {
            long first = 1 + (long) b * BATCH_ROWS;
            batches.add(wide ? BenchData.contentItems(allocator, BATCH_ROWS, first, 42)
                    : BenchData.events(allocator, BATCH_ROWS, first, 42));
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long write() throws IOException {
        out.reset();
        try (FormatWriter writer = provider.create(Format.csv(), columns, out)) {
            for (Batch batch : batches) {
                writer.write(batch);
            }
            writer.finish();
        }
        return out.count();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n%s CSV: %.1f bytes per row%n", table, (double) out.count() / ROWS);
        batches.forEach(Batch::close);
        batches.clear();
        allocator.close();
    }
}
