package io.rivet;

/**
 * Identifies one chunk of a run in listener events. Immutable.
 *
 * @param exportName the export
 * @param runId the run
 * @param index the chunk's index, from 0
 * @param count how many chunks the run has
 * @param range the chunk's key range as text, e.g. {@code id 1..100000}, or {@code all rows}
 */
public record ChunkInfo(String exportName, String runId, int index, int count, String range) {
}
