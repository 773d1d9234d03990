package io.rivet.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A state store held in memory, guarded by one lock. */
final class InMemoryStateStore implements StateStore {
    private final Map<String, CursorState> cursors = new HashMap<>();
    private final Map<String, ChunkRun> chunkRuns = new LinkedHashMap<>();
    private final Map<String, Boolean> openRuns = new HashMap<>();
    private final Map<String, List<FileRecord>> ledger = new HashMap<>();
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();
    private final Map<String, SchemaBaseline> schemas = new HashMap<>();

    @Override
    public synchronized Optional<SchemaBaseline> schema(String exportName) {
        return Optional.ofNullable(schemas.get(exportName));
    }

    @Override
    public synchronized void saveSchema(String exportName, SchemaBaseline baseline) {
        schemas.put(exportName, baseline);
    }

    @Override
    public synchronized Optional<CursorState> cursor(String exportName) {
        return Optional.ofNullable(cursors.get(exportName));
    }

    @Override
    public synchronized void saveCursor(String exportName, CursorState cursor) {
        cursors.put(exportName, cursor);
    }

    @Override
    public synchronized void startChunkRun(ChunkRun run) {
        String id = id(run.exportName(), run.runId());
        chunkRuns.put(id, run);
        openRuns.put(id, true);
    }

    @Override
    public synchronized Optional<ChunkRun> unfinishedChunkRun(String exportName) {
        ChunkRun newest = null;
        for (Map.Entry<String, ChunkRun> e : chunkRuns.entrySet()) {
            if (e.getValue().exportName().equals(exportName) && openRuns.getOrDefault(e.getKey(), false)) {
                newest = e.getValue();
            }
        }
        return Optional.ofNullable(newest);
    }

    @Override
    public synchronized void updateChunk(String exportName, String runId, ChunkCheckpoint chunk) {
        String id = id(exportName, runId);
        ChunkRun run = chunkRuns.get(id);
        if (run == null) {
            throw new IllegalStateException("no chunk run " + runId + " for export " + exportName);
        }
        List<ChunkCheckpoint> chunks = new ArrayList<>(run.chunks());
        chunks.set(chunk.index(), chunk);
        chunkRuns.put(id, new ChunkRun(exportName, runId, run.planFingerprint(), chunks));
    }

    @Override
    public synchronized void closeChunkRun(String exportName, String runId, boolean completed) {
        openRuns.put(id(exportName, runId), false);
    }

    @Override
    public synchronized void recordFiles(String exportName, String runId, int chunk, List<FileRecord> files) {
        List<FileRecord> all = ledger.computeIfAbsent(id(exportName, runId), k -> new ArrayList<>());
        all.removeIf(f -> f.chunk() == chunk);
        all.addAll(files);
    }

    @Override
    public synchronized List<FileRecord> files(String exportName, String runId) {
        List<FileRecord> all = new ArrayList<>(ledger.getOrDefault(id(exportName, runId), List.of()));
        all.sort(Comparator.comparingInt(FileRecord::chunk).thenComparing(FileRecord::key));
        return all;
    }

    @Override
    public synchronized void recordRun(RunRecord run) {
        runs.put(id(run.exportName(), run.runId()), run);
    }

    @Override
    public synchronized List<RunRecord> runs(String exportName, int limit) {
        List<RunRecord> matching = new ArrayList<>();
        for (RunRecord r : runs.values()) {
            if (r.exportName().equals(exportName)) {
                matching.add(r);
            }
        }
        matching.sort(Comparator.comparing(RunRecord::startedAt).reversed());
        return matching.subList(0, Math.min(limit, matching.size()));
    }

    @Override
    public void close() {
        // nothing to release
    }

    private static String id(String exportName, String runId) {
        return exportName + "\u0000" + runId;
    }
}
