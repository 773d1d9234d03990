package io.rivet.core.internal.manifest;

import io.rivet.core.internal.util.Json;
import io.rivet.core.spi.Column;
import io.rivet.state.FileRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code manifest.json}, the document through which consumers read a run: every data file with its rows,
 * size and SHA-256, the schema, and the mode's facts (cursor range, window, chunk key). NOTE: its field names are an
 * external contract; add fields, never rename them.
 */
public final class Manifest {
    /** The manifest format's version. */
    public static final int VERSION = 1;
    /** The manifest's file name in a run's prefix. */
    public static final String FILE_NAME = "manifest.json";
    /** The success marker's file name in a run's prefix. */
    public static final String SUCCESS_FILE_NAME = "_SUCCESS";

    private Manifest() {
    }

    /** Renders the manifest of a published run. */
    public static String render(String exportName, String runId, String mode, String source, String format,
            String compression, Instant startedAt, Instant finishedAt, List<Column> columns, List<FileRecord> files,
            Map<String, String> modeDetails, String sinkLocation, String prefix) {
        long rows = 0;
        long bytes = 0;
        for (FileRecord f : files) {
            rows += f.rows();
            bytes += f.bytes();
        }
        Json j = new Json().beginObject();
        j.field("manifest_version", VERSION);
        j.field("export", exportName);
        j.field("run_id", runId);
        j.field("status", "success");
        j.field("mode", mode);
        j.field("source", source);
        j.field("format", format);
        j.field("compression", compression);
        j.field("started_at", startedAt.toString());
        j.field("finished_at", finishedAt.toString());
        j.field("destination", sinkLocation);
        j.field("prefix", prefix);
        j.field("row_count", rows);
        j.field("file_count", files.size());
        j.field("bytes", bytes);
        j.name("mode_details").beginObject();
        for (Map.Entry<String, String> e : modeDetails.entrySet()) {
            j.field(e.getKey(), e.getValue());
        }
        j.endObject();
        j.name("schema").beginArray();
        for (Column c : columns) {
            j.beginObject().field("name", c.name()).field("type", c.type().toString())
                    .field("source_type", c.sourceTypeName()).endObject();
        }
        j.endArray();
        j.name("files").beginArray();
        for (FileRecord f : files) {
            j.beginObject().field("key", f.key()).field("chunk", f.chunk()).field("rows", f.rows())
                    .field("bytes", f.bytes()).field("sha256", f.sha256()).endObject();
        }
        j.endArray();
        j.endObject();
        return j.toString();
    }
}
