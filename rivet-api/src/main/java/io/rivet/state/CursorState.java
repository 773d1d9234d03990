package io.rivet.state;

import java.time.Instant;

/**
 * The position an incremental export reached: the cursor column's value (as text, the way the source renders it) and,
 * with a tie-breaker, the key's value.
 *
 * @param value the cursor value reached, as text
 * @param tieBreakerValue the tie-breaker key value of the last row, or {@code null}
 * @param runId the run that published it
 * @param updatedAt when it was stored
 */
public record CursorState(String value, String tieBreakerValue, String runId, Instant updatedAt) {
}
