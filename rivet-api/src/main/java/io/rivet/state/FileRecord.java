package io.rivet.state;

import java.time.Instant;

/**
 * One published file in the ledger.
 *
 * @param runId the run
 * @param chunk the chunk index (0 for unchunked modes)
 * @param key the object key below the sink root
 * @param rows rows in the file
 * @param bytes the file's size
 * @param sha256 the lowercase hex SHA-256 of the file's bytes
 * @param committedAt when it was published
 */
public record FileRecord(String runId, int chunk, String key, long rows, long bytes, String sha256,
        Instant committedAt) {
}
