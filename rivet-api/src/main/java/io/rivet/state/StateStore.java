package io.rivet.state;

import io.rivet.Incubating;
import java.util.List;
import java.util.Optional;

/**
 * Durable memory of exports between runs: incremental cursors, chunk checkpoints, the ledger of published files, and
 * one record per run. Built-ins: {@link StateStores#inMemory()} and the embedded file store
 * {@link StateStores#file(java.nio.file.Path)} (the default).
 *
 * <p>Implementations must be thread-safe (chunk workers update checkpoints concurrently) and make each method atomic
 * and durable when it returns: the engine relies on the order of its calls for crash safety (files, then ledger, then
 * manifest, then cursor). A store passed to {@code Rivet.builder().stateStore(...)} belongs to the caller.
 */
@Incubating(since = "0.1")
public interface StateStore extends AutoCloseable {

    /** The stored cursor of an incremental export, if a run has published one. */
    Optional<CursorState> cursor(String exportName);

    /** Stores the cursor of an incremental export, replacing the previous one. */
    void saveCursor(String exportName, CursorState cursor);

    /** The export's last accepted schema, if a run has published one. */
    Optional<SchemaBaseline> schema(String exportName);

    /** Replaces the export's accepted schema. */
    void saveSchema(String exportName, SchemaBaseline baseline);

    /** Records a new chunk run with its full plan (all chunks {@link ChunkStatus#PENDING}). */
    void startChunkRun(ChunkRun run);

    /** The newest chunk run of the export that was neither completed nor abandoned, with its chunks. */
    Optional<ChunkRun> unfinishedChunkRun(String exportName);

    /** Replaces one chunk's checkpoint. */
    void updateChunk(String exportName, String runId, ChunkCheckpoint chunk);

    /** Closes a chunk run: {@code completed} when all its chunks were published, otherwise abandoned for good. */
    void closeChunkRun(String exportName, String runId, boolean completed);

    /** Replaces the ledger entries of one chunk of a run with {@code files}. */
    void recordFiles(String exportName, String runId, int chunk, List<FileRecord> files);

    /** The ledger of a run, ordered by chunk and key. */
    List<FileRecord> files(String exportName, String runId);

    /** Inserts or replaces (by run id) the record of a run. */
    void recordRun(RunRecord run);

    /** The newest {@code limit} runs of an export, newest first. */
    List<RunRecord> runs(String exportName, int limit);

    /** Releases the store's resources. May be called more than once; throws no checked exception. */
    @Override
    void close();
}
