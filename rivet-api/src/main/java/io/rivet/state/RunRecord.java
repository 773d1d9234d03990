package io.rivet.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run of one export, as kept in the run history.
 *
 * @param runId the run
 * @param exportName the export
 * @param status the outcome
 * @param mode the mode's name
 * @param startedAt when it started
 * @param finishedAt when it ended, or {@code null} while running
 * @param rows rows written
 * @param bytes bytes written
 * @param files files published
 * @param retries retries taken
 * @param error the failure's message, or {@code null}
 * @param throttled time spent pausing for the profile's throttle
 * @param peakMemoryBytes the process's peak resident memory when the run ended (0 when unknown)
 * @param warnings warnings raised by the run
 */
public record RunRecord(String runId, String exportName, RunStatus status, String mode, Instant startedAt,
        Instant finishedAt, long rows, long bytes, int files, int retries, String error, Duration throttled,
        long peakMemoryBytes, List<String> warnings) {

    /** Checks and copies the values. */
    public RunRecord {
        throttled = throttled == null ? Duration.ZERO : throttled;
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A record without throttle, memory and warning figures. */
    public RunRecord(String runId, String exportName, RunStatus status, String mode, Instant startedAt,
            Instant finishedAt, long rows, long bytes, int files, int retries, String error) {
        this(runId, exportName, status, mode, startedAt, finishedAt, rows, bytes, files, retries, error,
                Duration.ZERO, 0, List.of());
    }

    /** The run's duration, or {@code null} while running. */
    public Duration duration() {
        return finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }
}
