package io.rivet.core.internal.pipeline;

import io.rivet.core.internal.verify.UniqueTracker;
import java.util.List;

/**
 * What a chunk produced: its staged (unpublished) files, its rows, NULLs per column, and the throttle pause it owes.
 *
 * @param files the staged files, in sequence
 * @param rows rows read and written
 * @param nullCounts NULLs per column
 * @param throttleDebtNanos pause owed to the source, to be taken after the chunk's transaction ends
 * @param unique the chunk's unique_columns values, merged into the run's when the chunk is published, or null
 */
record ChunkOutput(List<StagedFile> files, long rows, long[] nullCounts, long throttleDebtNanos,
        UniqueTracker unique) {
}
