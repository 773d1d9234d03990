package io.rivet.core.internal.pipeline;

import java.util.List;

/**
 * What a chunk produced: its staged (unpublished) files, its rows, NULLs per column, and the throttle pause it owes.
 *
 * @param files the staged files, in sequence
 * @param rows rows read and written
 * @param nullCounts NULLs per column
 * @param throttleDebtNanos pause owed to the source, to be taken after the chunk's transaction ends
 */
record ChunkOutput(List<StagedFile> files, long rows, long[] nullCounts, long throttleDebtNanos) {
}
