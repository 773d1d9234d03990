package io.rivet.core.internal.format.parquet;

import io.rivet.Compression;
import io.rivet.DataSize;
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
 * Arrow to Parquet: rows per second through Rivet's Parquet writer ({@link ParquetFormatWriter}: levels, dictionary
 * or plain values, statistics, compression, page and file layout) for each codec, on batches shaped like the
 * {@code content_items} (20 mixed columns) and {@code events} (5 narrow columns) fixtures. One operation is one row;
 * an invocation writes {@value #ROWS} rows ({@value #BATCHES} batches) into one file.
 *
 * <p>Leaves out: reading from the database, the batch handoff between threads, the sink (the file goes to a counting
 * null stream) and the SHA-256 the engine computes over each file. The secondary result {@code bytesPerRow} is the
 * file size per row, to compare codecs.
 *
 * <p>Command (after {@code mvn -B -o package -DskipTests -pl rivet-bench -am}):
 * <pre>
 * java -jar rivet-bench/target/benchmarks.jar ParquetWriteBenchmark -rf json -rff target/parquet-write.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:MaxDirectMemorySize=1g", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class ParquetWriteBenchmark {

    static final int BATCH_ROWS = 16_384;
    static final int BATCHES = 8;
    static final int ROWS = BATCH_ROWS * BATCHES;

    /** The fixture the batches imitate. */
    @Param({"content_items", "events"})
    public String table;

    /** The page codec. */
    @Param({"ZSTD", "SNAPPY", "GZIP", "NONE"})
    public Compression compression;

    private BufferAllocator allocator;
    private final List<Batch> batches = new ArrayList<>();
    private List<Column> columns;
    private Format format;
    private final ParquetFormatProvider provider = new ParquetFormatProvider();
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
        // 64 MB row groups: what two FAST workers get from the default 512 MB memory limit.
        format = Format.parquet().withCompression(compression).withRowGroupSize(DataSize.ofMebibytes(64));
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long write() throws IOException {
        out.reset();
        try (FormatWriter writer = provider.create(format, columns, out, allocator)) {
            for (Batch batch : batches) {
                writer.write(batch);
            }
            writer.finish();
        }
        return out.count();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n%s %s: %.1f bytes per row%n", table, compression, (double) out.count() / ROWS);
        batches.forEach(Batch::close);
        batches.clear();
        allocator.close();
    }
}
