package io.rivet.core.internal.plan;

import io.rivet.core.spi.Column;
import io.rivet.state.CursorState;
import java.util.List;
import java.util.Map;

/**
 * What a run will do: its columns, its tasks, and what the manifest records about the mode.
 *
 * @param columns the result's columns
 * @param tasks the tasks, by index
 * @param chunked whether tasks run on their own connections and are checkpointed (chunked mode)
 * @param fingerprint identifies the plan's shape (query, mode, key, chunk size) so a resume can refuse a changed one
 * @param modeDetails mode facts for the manifest (cursor range, window start, chunk column)
 * @param nextCursor the cursor to store after publication (incremental), or {@code null}
 * @param estimatedRows the planner's row estimate, or -1
 */
public record ExportPlan(List<Column> columns, List<ChunkTask> tasks, boolean chunked, String fingerprint,
        Map<String, String> modeDetails, CursorState nextCursor, long estimatedRows) {
}
