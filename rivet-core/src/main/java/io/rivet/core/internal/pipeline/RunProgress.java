package io.rivet.core.internal.pipeline;

import io.rivet.ExportListener;
import io.rivet.Progress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts a run's rows and bytes from all workers and reports progress at most four times a second. Thread-safe. */
final class RunProgress {
    private static final long EVERY_NANOS = 250_000_000L;

    private final String exportName;
    private final ExportListener listener;
    private final long startNanos = System.nanoTime();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger chunksDone = new AtomicInteger();
    private final AtomicLong lastEmit = new AtomicLong(startNanos);
    private final AtomicLong throttledNanos = new AtomicLong();
    private volatile int chunksTotal;
    private volatile long estimatedRows = -1;

    RunProgress(String exportName, ExportListener listener) {
        this.exportName = exportName;
        this.listener = listener;
    }

    void planned(int chunks, long estimate) {
        this.chunksTotal = chunks;
        this.estimatedRows = estimate;
    }

    void rowsRead(long n) {
        rows.addAndGet(n);
        maybeEmit();
    }

    void bytesWritten(long n) {
        bytes.addAndGet(n);
    }

    void throttled(long nanos) {
        throttledNanos.addAndGet(nanos);
    }

    long throttledNanos() {
        return throttledNanos.get();
    }

    void chunkDone() {
        chunksDone.incrementAndGet();
        emit();
    }

    private void maybeEmit() {
        long now = System.nanoTime();
        long last = lastEmit.get();
        if (now - last >= EVERY_NANOS && lastEmit.compareAndSet(last, now)) {
            emit();
        }
    }

    private void emit() {
        listener.progress(new Progress(exportName, rows.get(), bytes.get(), chunksDone.get(), chunksTotal,
                estimatedRows, Duration.ofNanos(System.nanoTime() - startNanos)));
    }
}
