package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rivet.cli.config.ConfigException;
import io.rivet.exception.CheckFailedException;
import io.rivet.exception.ColumnMappingException;
import io.rivet.exception.ExportCancelledException;
import io.rivet.exception.InvalidExportException;
import io.rivet.exception.ResourceLimitException;
import io.rivet.exception.SchemaDriftException;
import io.rivet.exception.SinkException;
import io.rivet.exception.SourceException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitCodesTest {

    @Test
    void each_failure_class_has_its_code() {
        assertEquals(1, ExitCodes.of(new ConfigException("rivet.yaml", List.of("rivet.yaml: bad"))));
        assertEquals(1, ExitCodes.of(new InvalidExportException("a", List.of("no name"))));
        assertEquals(1, ExitCodes.of(new ColumnMappingException("a", "geom", "geometry", "unsupported")));
        assertEquals(1, ExitCodes.of(new SourceException("a", "syntax error", null, "42601", 0, false)));
        assertEquals(2, ExitCodes.of(new SourceException("a", "connection reset", null, "08006", 0, true)));
        assertEquals(2, ExitCodes.of(new SinkException("a", "s3://b/", "k", "503", null, true)));
        assertEquals(1, ExitCodes.of(new SinkException("a", "s3://b/", "k", "403", null, false)));
        assertEquals(2, ExitCodes.of(new ExportCancelledException("a", "cancelled", null)));
        assertEquals(1, ExitCodes.of(new ResourceLimitException("a", "too big", 1, 2, null)));
        assertEquals(3, ExitCodes.of(new CheckFailedException("a", "row_count_min", "1", "0", "too few rows")));
        assertEquals(4, ExitCodes.of(new SchemaDriftException("a", "column dropped")));
        assertEquals(1, ExitCodes.of(new IllegalStateException("a bug")));
    }

    @Test
    void most_severe_orders_integrity_drift_permanent_retryable_success() {
        assertEquals(3, ExitCodes.mostSevere(3, 4));
        assertEquals(3, ExitCodes.mostSevere(4, 3));
        assertEquals(4, ExitCodes.mostSevere(1, 4));
        assertEquals(1, ExitCodes.mostSevere(2, 1));
        assertEquals(1, ExitCodes.mostSevere(1, 2));
        assertEquals(2, ExitCodes.mostSevere(0, 2));
        assertEquals(0, ExitCodes.mostSevere(0, 0));
    }
}
