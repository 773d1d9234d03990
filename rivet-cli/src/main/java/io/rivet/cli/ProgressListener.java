package io.rivet.cli;

import io.rivet.ExportListener;
import io.rivet.ExportResult;
import io.rivet.Progress;
import io.rivet.exception.RivetException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Shows export progress: export, rows, MB, rows/s, chunks done/total and, when the planner estimated the row count, an
 * ETA. On a terminal it redraws one line in place ({@code \r}) at most four times a second; elsewhere (cron, CI, a
 * pipe) it prints a plain line at most every ten seconds, so that logs stay short.
 *
 * <p>Thread-safe: chunk events arrive from worker threads; every method takes one lock, and events are rare (the engine
 * reports progress a few times per second). Never throws. Does not close the writer.
 */
public final class ProgressListener implements ExportListener {
    static final long TERMINAL_INTERVAL_NANOS = 250_000_000L;
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long interval;
    private long lastPrinted;
    private boolean printedAny;
    private int lineLength;

    /**
     * Creates a listener writing to {@code out} (usually stderr).
     *
     * @param terminal whether {@code out} is an interactive terminal (redraw one line) or a log (plain lines)
     */
    public ProgressListener(PrintWriter out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    ProgressListener(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.interval = terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS;
    }

    @Override
    public synchronized void exportStarted(String exportName, String runId) {
        // The first plain line waits a full interval: short exports then log nothing but their summary.
        lastPrinted = nanoClock.getAsLong();
        printedAny = !terminal;
        if (!terminal) {
            out.println(exportName + ": run " + runId + " started");
            out.flush();
        }
    }

    @Override
    public synchronized void progress(Progress p) {
        long now = nanoClock.getAsLong();
        if (printedAny && now - lastPrinted < interval) {
            return;
        }
        lastPrinted = now;
        printedAny = true;
        String line = line(p);
        if (terminal) {
            int pad = Math.max(0, lineLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lineLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public synchronized void exportFinished(ExportResult result) {
        clearLine();
    }

    @Override
    public synchronized void exportFailed(String exportName, String runId, RivetException error) {
        clearLine();
    }

    /** Erases the progress line so that the next output starts on a clean line. */
    private void clearLine() {
        if (terminal && lineLength > 0) {
            out.print("\r" + " ".repeat(lineLength) + "\r");
            out.flush();
            lineLength = 0;
        }
    }

    /** One progress line, e.g. {@code orders  1,234,567 rows  45.2 MB  102,345 rows/s  chunks 3/10  ETA 0:42}. */
    static String line(Progress p) {
        StringBuilder sb = new StringBuilder(96);
        sb.append(p.exportName()).append("  ").append(Formats.count(p.rows())).append(" rows");
        if (p.estimatedRows() > 0) {
            long pct = Math.min(100, p.rows() * 100 / p.estimatedRows());
            sb.append(" (").append(pct).append("%)");
        }
        sb.append("  ").append(String.format(Locale.ROOT, "%.1f MB", p.bytes() / 1_000_000.0));
        long rate = Formats.rate(p.rows(), p.elapsed());
        sb.append("  ").append(Formats.count(rate)).append(" rows/s");
        if (p.chunksTotal() > 1) {
            sb.append("  chunks ").append(p.chunksDone()).append('/').append(p.chunksTotal());
        }
        if (p.estimatedRows() > 0 && rate > 0 && p.rows() < p.estimatedRows()) {
            sb.append("  ETA ").append(eta(Duration.ofSeconds((p.estimatedRows() - p.rows()) / rate)));
        }
        return sb.toString();
    }

    private static String eta(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
