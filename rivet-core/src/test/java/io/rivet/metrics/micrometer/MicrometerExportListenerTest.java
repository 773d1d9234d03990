package io.rivet.metrics.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rivet.ExportResult;
import io.rivet.OutputFile;
import io.rivet.exception.SourceException;
import io.rivet.state.RunStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerExportListenerTest {

    @Test
    void publishesRunsRowsBytesDurationAndFailures() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerExportListener listener = new MicrometerExportListener(registry);

        listener.exportStarted("orders", "r1");
        listener.exportFinished(ExportResult.builder().exportName("orders").runId("r1").status(RunStatus.SUCCEEDED)
                .rows(1000).bytes(4096).files(List.of(OutputFile.of("k", 0, 1000, 4096, "00"))).retries(2)
                .duration(Duration.ofSeconds(3)).build());
        listener.exportStarted("orders", "r2");
        listener.exportFailed("orders", "r2", new SourceException("orders", "boom", null, "08006", 0, true));

        assertEquals(1.0, registry.get("rivet.export.runs").tag("outcome", "success").counter().count());
        assertEquals(1.0, registry.get("rivet.export.runs").tag("outcome", "failure").counter().count());
        assertEquals(1000.0, registry.get("rivet.export.rows").tag("export", "orders").counter().count());
        assertEquals(4096.0, registry.get("rivet.export.bytes").counter().count());
        assertEquals(1.0, registry.get("rivet.export.files").counter().count());
        assertEquals(2.0, registry.get("rivet.export.retries").counter().count());
        assertEquals(3.0, registry.get("rivet.export.duration").tag("outcome", "success").timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS), 0.001);
        assertEquals(1, registry.get("rivet.export.duration").tag("outcome", "failure").timer().count());
        assertTrue(registry.get("rivet.export.last.success").gauge().value() > 1_700_000_000);
    }
}
