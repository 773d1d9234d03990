package io.rivet.state;

/**
 * One chunk of a chunk run.
 *
 * @param index the chunk's position in the plan, from 0
 * @param lowerBound the inclusive lower key bound, as text
 * @param upperBound the inclusive upper key bound, as text
 * @param status the chunk's state
 * @param rows rows written (when done)
 * @param bytes bytes written (when done)
 * @param attempts how many times it was started
 * @param error the last error message, or {@code null}
 */
public record ChunkCheckpoint(int index, String lowerBound, String upperBound, ChunkStatus status, long rows,
        long bytes, int attempts, String error) {

    /** Returns a copy with another status, counts and error. */
    public ChunkCheckpoint with(ChunkStatus newStatus, long newRows, long newBytes, int newAttempts, String newError) {
        return new ChunkCheckpoint(index, lowerBound, upperBound, newStatus, newRows, newBytes, newAttempts, newError);
    }
}
