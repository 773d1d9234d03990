package io.rivet.core.internal.engine;

import io.rivet.ChunkInfo;
import io.rivet.ExportListener;
import io.rivet.ExportResult;
import io.rivet.OutputFile;
import io.rivet.Progress;
import io.rivet.exception.RivetException;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers each event to every listener; a listener that throws is logged and does not disturb the export. */
public final class ListenerFanout implements ExportListener {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerFanout.class);

    private final List<ExportListener> listeners;

    /** Fans out to {@code listeners}. */
    public ListenerFanout(List<ExportListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<ExportListener> event) {
        for (ExportListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("listener {} threw and was ignored: {}", l.getClass().getName(), e.toString());
            }
        }
    }

    @Override
    public void exportStarted(String exportName, String runId) {
        each(l -> l.exportStarted(exportName, runId));
    }

    @Override
    public void exportFinished(ExportResult result) {
        each(l -> l.exportFinished(result));
    }

    @Override
    public void exportFailed(String exportName, String runId, RivetException error) {
        each(l -> l.exportFailed(exportName, runId, error));
    }

    @Override
    public void chunkStarted(ChunkInfo chunk) {
        each(l -> l.chunkStarted(chunk));
    }

    @Override
    public void chunkFinished(ChunkInfo chunk, long rows, long bytes) {
        each(l -> l.chunkFinished(chunk, rows, bytes));
    }

    @Override
    public void chunkFailed(ChunkInfo chunk, RivetException error) {
        each(l -> l.chunkFailed(chunk, error));
    }

    @Override
    public void fileCommitted(String exportName, OutputFile file) {
        each(l -> l.fileCommitted(exportName, file));
    }

    @Override
    public void progress(Progress progress) {
        each(l -> l.progress(progress));
    }
}
