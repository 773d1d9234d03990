package io.rivet.metrics.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.rivet.ExportListener;
import io.rivet.ExportResult;
import io.rivet.exception.RivetException;
import io.rivet.state.RunStatus;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the run history's figures to a Micrometer {@link MeterRegistry}: add it to the engine with
 * {@code Rivet.builder().addListener(new MicrometerExportListener(registry))}. Micrometer is an optional dependency of
 * rivet-core; bring {@code io.micrometer:micrometer-core} to use this class. Thread-safe.
 *
 * <p>Meters (tags {@code export} and, where it applies, {@code outcome} = {@code success}, {@code skipped} or
 * {@code failure}; tag values are bounded by the number of exports, never by chunks or files):
 * <ul>
 *   <li>{@code rivet.export.runs} (counter, by outcome)</li>
 *   <li>{@code rivet.export.duration} (timer, by outcome; failures are timed from start to failure)</li>
 *   <li>{@code rivet.export.rows}, {@code rivet.export.bytes}, {@code rivet.export.files},
 *       {@code rivet.export.retries} (counters of published runs)</li>
 *   <li>{@code rivet.export.last.success} (gauge: epoch seconds of the last successful run)</li>
 * </ul>
 */
public final class MicrometerExportListener implements ExportListener {
    private final MeterRegistry registry;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    /** Publishes to {@code registry}, which stays the caller's. */
    public MicrometerExportListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void exportStarted(String exportName, String runId) {
        started.put(exportName + "/" + runId, System.nanoTime());
    }

    @Override
    public void exportFinished(ExportResult result) {
        String outcome = result.status() == RunStatus.SKIPPED ? "skipped" : "success";
        Tags tags = Tags.of("export", result.exportName());
        started.remove(result.exportName() + "/" + result.runId());
        Counter.builder("rivet.export.runs").tags(tags).tag("outcome", outcome)
                .description("Export runs by outcome").register(registry).increment();
        Timer.builder("rivet.export.duration").tags(tags).tag("outcome", outcome)
                .description("Wall time of export runs").register(registry).record(result.duration());
        Counter.builder("rivet.export.rows").tags(tags).description("Rows published").register(registry)
                .increment(result.rows());
        Counter.builder("rivet.export.bytes").tags(tags).baseUnit("bytes").description("Bytes published")
                .register(registry).increment(result.bytes());
        Counter.builder("rivet.export.files").tags(tags).description("Files published").register(registry)
                .increment(result.files().size());
        Counter.builder("rivet.export.retries").tags(tags).description("Chunk retries").register(registry)
                .increment(result.retries());
        lastSuccess.computeIfAbsent(result.exportName(), name -> registry.gauge("rivet.export.last.success",
                Tags.of("export", name), new AtomicLong(), AtomicLong::get))
                .set(System.currentTimeMillis() / 1000);
    }

    @Override
    public void exportFailed(String exportName, String runId, RivetException error) {
        Tags tags = Tags.of("export", exportName, "outcome", "failure");
        Counter.builder("rivet.export.runs").tags(tags).description("Export runs by outcome").register(registry)
                .increment();
        Long start = started.remove(exportName + "/" + runId);
        if (start != null) {
            Timer.builder("rivet.export.duration").tags(tags).description("Wall time of export runs")
                    .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
