package io.rivet;

import java.time.Duration;

/**
 * A snapshot of an export's progress. Immutable.
 *
 * @param exportName the export
 * @param rows rows written so far
 * @param bytes bytes written so far (published files plus the open ones)
 * @param chunksDone chunks finished
 * @param chunksTotal chunks planned
 * @param estimatedRows the planner's estimate of the total rows, or -1 when unknown
 * @param elapsed time since the run started
 */
public record Progress(String exportName, long rows, long bytes, int chunksDone, int chunksTotal, long estimatedRows,
        Duration elapsed) {
}
