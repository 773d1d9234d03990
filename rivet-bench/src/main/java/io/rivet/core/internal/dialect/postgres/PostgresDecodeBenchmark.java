package io.rivet.core.internal.dialect.postgres;

import io.rivet.bench.BenchDatabase;
import io.rivet.core.spi.Batch;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.SessionSettings;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
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
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Decode throughput per PostgreSQL type, on both read paths: values per second turned from what the server sent into
 * Arrow vectors. {@code copy} decodes a {@code COPY (...) TO STDOUT (FORMAT binary)} stream ({@link BinaryDecoder}
 * through {@link PostgresCopyReader}); {@code cursor} parses the text values pgjdbc hands the cursor path
 * ({@link ValueWriter}, as {@link PostgresBatchReader} does after each FETCH). One operation is one value; an
 * invocation decodes {@value #ROWS} rows of one column in batches of {@value #BATCH} rows.
 *
 * <p>The values are produced once per trial by the PostgreSQL server (deterministic functions of the row number), then
 * decoded from memory, so the measurement leaves out the network, the server and pgjdbc's own message parsing (which
 * the end-to-end benchmark, {@code scripts/bench-e2e.sh}, includes). It needs a PostgreSQL server at setup:
 * {@code RIVET_BENCH_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}).
 *
 * <p>Command (after {@code mvn -B -o package -DskipTests -pl rivet-bench -am}):
 * <pre>
 * java -jar rivet-bench/target/benchmarks.jar PostgresDecodeBenchmark -rf json -rff target/pg-decode.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-XX:MaxDirectMemorySize=512m",
    "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class PostgresDecodeBenchmark {

    static final int ROWS = 100_000;
    static final int BATCH = 16_384;

    /** One SQL expression of row number {@code g} per benchmarked type. */
    private static final Map<String, String> EXPRESSIONS = Map.ofEntries(
            Map.entry("int2", "(g % 32000)::int2"),
            Map.entry("int4", "(hashint8extended(g, 1) % 1000000)::int4"),
            Map.entry("int8", "hashint8extended(g, 2)"),
            Map.entry("float8", "(hashint8extended(g, 3) % 1000000) / 7.0::float8"),
            Map.entry("numeric_12_2", "((hashint8extended(g, 4) % 10000000) / 100.0)::numeric(12,2)"),
            Map.entry("numeric", "((hashint8extended(g, 5) % 100000000000) / 1000.0)::numeric"),
            Map.entry("bool", "g % 3 = 0"),
            Map.entry("text_short", "'s' || (g % 1000)"),
            Map.entry("text_200", "repeat(md5(g::text), 6)"),
            Map.entry("uuid", "md5(g::text)::uuid"),
            Map.entry("jsonb", "jsonb_build_object('g', g, 'k', 'v' || (g % 100), 'tags', jsonb_build_array(g % 7))"),
            Map.entry("date", "date '2000-01-01' + (g % 20000)::int"),
            Map.entry("timestamp", "timestamp '2000-01-01' + g * interval '1 second' + (g % 999) * interval '1 us'"),
            Map.entry("timestamptz", "(timestamp '2000-01-01' + g * interval '1 second')::timestamptz"),
            Map.entry("bytea", "decode(md5(g::text), 'hex')"),
            Map.entry("int4_array", "ARRAY[g::int, (g % 7)::int, NULL::int]"));

    /** The PostgreSQL type (a key of the expression table). */
    @Param({"int2", "int4", "int8", "float8", "numeric_12_2", "numeric", "bool", "text_short", "text_200", "uuid",
        "jsonb", "date", "timestamp", "timestamptz", "bytea", "int4_array"})
    public String type;

    private BufferAllocator allocator;
    private Batch root;
    private List<Column> columns;
    private byte[] copyData;
    private byte[][] textValues;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String sql = "SELECT " + EXPRESSIONS.get(type) + " AS v FROM generate_series(1, " + ROWS + ") g";
        PostgresDialect dialect = new PostgresDialect();
        try (Connection c = BenchDatabase.connect()) {
            dialect.beginSnapshot(c, new SessionSettings(Duration.ZERO, Duration.ZERO));
            columns = dialect.describe(c, sql, "bench");
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            new CopyManager(c.unwrap(BaseConnection.class)).copyOut(
                    "COPY (" + sql + ") TO STDOUT (FORMAT binary)", copy);
            copyData = copy.toByteArray();
            List<byte[]> text = new ArrayList<>(ROWS);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    text.add(rs.getBytes(1));
                }
            }
            textValues = text.toArray(new byte[0][]);
            dialect.endSnapshot(c);
        }
        allocator = new RootAllocator();
        root = Batch.create(columns, allocator);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int copy() throws SQLException {
        int total = 0;
        try (PostgresCopyReader reader = PostgresCopyReader.ofBytes(copyData, columns)) {
            int n;
            while ((n = reader.read(root, BATCH)) > 0) {
                total += n;
            }
        }
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int cursor() throws SQLException {
        ValueWriter writer = ValueWriter.forColumn(columns.get(0), new PgText());
        FieldVector v = root.getVector(0);
        int total = 0;
        for (int from = 0; from < ROWS; from += BATCH) {
            int n = Math.min(BATCH, ROWS - from);
            if (v.getValueCapacity() == 0) {
                v.allocateNew();
            } else {
                v.reset();
            }
            writer.bind(v);
            for (int row = 0; row < n; row++) {
                byte[] value = textValues[from + row];
                if (value == null) {
                    writer.setNull(row);
                } else {
                    writer.set(row, value, 0, value.length);
                }
            }
            root.setRowCount(n);
            total += n;
        }
        return total;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        root.close();
        allocator.close();
    }
}
