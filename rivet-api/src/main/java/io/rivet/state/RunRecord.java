package io.rivet.state;

import java.time.Duration;
import java.time.Instant;

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
 */
public record RunRecord(String runId, String exportName, RunStatus status, String mode, Instant startedAt,
        Instant finishedAt, long rows, long bytes, int files, int retries, String error) {

    /** The run's duration, or {@code null} while running. */
    public Duration duration() {
        return finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }
}
