package io.rivet.core.internal.check;

import java.time.Duration;
import java.util.Locale;

/** Number and duration renderings shared by the check's messages. Stateless. */
final class Text {
    private Text() {
    }

    /** {@code 2400000} as {@code 2,400,000}; negative as {@code unknown}. */
    static String count(long n) {
        return n < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", n);
    }

    /** A duration for people: {@code 250ms}, {@code 45s}, {@code 12m}, {@code 3h 5m}; zero as {@code none}. */
    static String duration(Duration d) {
        if (d == null) {
            return "unknown";
        }
        if (d.isNegative()) {
            return "unlimited";
        }
        if (d.isZero()) {
            return "none";
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        long m = d.toMinutes();
        if (m < 120) {
            return m + "m";
        }
        return d.toHours() + "h " + (m % 60) + "m";
    }

    /** Bytes for people: {@code 1.5 GiB}, {@code 310 MiB}; negative as {@code unknown}. */
    static String bytes(long n) {
        if (n < 0) {
            return "unknown";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
