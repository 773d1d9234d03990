package io.rivet.state;

import java.util.List;

/**
 * A chunked export's run and its plan.
 *
 * @param exportName the export
 * @param runId the run
 * @param planFingerprint identifies the plan (query, key column, bounds, chunk size); a resume with a different plan
 *     is refused
 * @param chunks every chunk of the plan, by index
 */
public record ChunkRun(String exportName, String runId, String planFingerprint, List<ChunkCheckpoint> chunks) {
    /** Copies the chunk list. */
    public ChunkRun {
        chunks = List.copyOf(chunks);
    }
}
