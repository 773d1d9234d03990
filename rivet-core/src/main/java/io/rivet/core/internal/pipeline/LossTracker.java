package io.rivet.core.internal.pipeline;

import io.rivet.core.spi.BatchReader.Loss;
import io.rivet.exception.CheckFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run's values that were not exported exactly ({@link io.rivet.core.spi.BatchReader#lossyValues()}), summed over
 * the chunks that succeeded, and the strict-types policy: report them as warnings, or fail at the first one.
 * Thread-safe (chunk workers add concurrently).
 */
final class LossTracker {
    private final String exportName;
    private final boolean strict;
    private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();

    LossTracker(String exportName, boolean strict) {
        this.exportName = exportName;
        this.strict = strict;
    }

    /** Whether the export fails at the first lossy value. */
    boolean strict() {
        return strict;
    }

    /**
     * Under strict types, fails when {@code losses} (a reader's counts so far) is not empty; called after every batch
     * is read and before it is handed to the writer, so the lossy batch is never written.
     */
    void check(Map<Loss, Long> losses) {
        if (!strict || losses.isEmpty()) {
            return;
        }
        Loss first = losses.keySet().iterator().next();
        throw new CheckFailedException(exportName, "strict_types", "every value exported exactly",
                "column " + first.column() + ": " + first.kind(),
                "Export \"" + exportName + "\": strict types are on and column \"" + first.column()
                        + "\" has a value that cannot be exported exactly: " + first.kind() + ". Nothing was"
                        + " published. Map the column in a query (see the loss above), or turn strict types off"
                        + " (strict_types: false) to export it and have the lossy values counted in the warnings.");
    }

    /** Adds a finished chunk's counts (a failed attempt's are dropped with the attempt). */
    void add(Map<Loss, Long> losses) {
        losses.forEach((loss, n) -> counts.computeIfAbsent("column \"" + loss.column() + "\": " + loss.kind(),
                k -> new LongAdder()).add(n));
    }

    /** One warning per column and kind, e.g. {@code 3 values not exported exactly in column "d": zero date ...}. */
    List<String> warnings() {
        List<String> out = new ArrayList<>();
        counts.forEach((what, n) -> out.add(n.sum() + " value(s) not exported exactly in " + what));
        return out;
    }
}
