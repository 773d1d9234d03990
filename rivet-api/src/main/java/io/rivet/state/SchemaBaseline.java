package io.rivet.state;

import java.time.Instant;
import java.util.List;

/**
 * The last accepted schema of an export: the baseline each run's schema is compared with for drift.
 *
 * @param columns the columns in order, each as {@code name type} (Rivet's logical type, e.g. {@code amount decimal(12,2)})
 * @param runId the run that established it
 * @param acceptedAt when it was accepted
 */
public record SchemaBaseline(List<String> columns, String runId, Instant acceptedAt) {
    /** Copies the column list. */
    public SchemaBaseline {
        columns = List.copyOf(columns);
    }
}
