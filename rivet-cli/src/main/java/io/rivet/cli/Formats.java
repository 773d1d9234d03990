package io.rivet.cli;

import io.rivet.ExportResult;
import io.rivet.OutputFile;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** Renders numbers, sizes, durations and output locations for people. Stateless. */
final class Formats {
    private Formats() {
    }

    /** {@code 1234567} as {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes in decimal units with one decimal: {@code 45.2 MB}. */
    static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int unit = -1;
        while (v >= 1000 && unit < units.length - 1) {
            v /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[unit]);
    }

    /** {@code 9.8s}, {@code 2m05s}, {@code 1h02m}. */
    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Rows per second over a duration; 0 for an empty duration. */
    static long rate(long rows, Duration d) {
        long ms = d.toMillis();
        return ms <= 0 ? 0 : rows * 1000 / ms;
    }

    /**
     * The run's output prefix below the sink root ({@code orders/<run>/}), from the manifest key, else the first
     * file's key, else {@code null}.
     */
    static String runPrefix(ExportResult r) {
        String key = r.manifestKey();
        if (key == null && !r.files().isEmpty()) {
            key = r.files().get(0).key();
        }
        if (key == null) {
            return null;
        }
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash + 1);
    }

    /** The directory holding the run's data files, below the sink root, or the run prefix when no file exists. */
    static String dataPrefix(ExportResult r) {
        for (OutputFile f : r.files()) {
            int slash = f.key().lastIndexOf('/');
            return slash < 0 ? "" : f.key().substring(0, slash + 1);
        }
        return runPrefix(r);
    }

    /**
     * Where a key below a sink root lives: a file system path for {@code file:} roots, else the joined URI text. The
     * root location never holds secrets (Sink contract).
     */
    static String locate(String sinkLocation, String key) {
        if (sinkLocation.startsWith("file:")) {
            Path root = Path.of(URI.create(sinkLocation));
            return key.isEmpty() ? root + "/" : root.resolve(key) + (key.endsWith("/") ? "/" : "");
        }
        return sinkLocation + (sinkLocation.endsWith("/") ? "" : "/") + key;
    }
}
