package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rivet.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final StringWriter text = new StringWriter();

    private ProgressListener listener(boolean terminal) {
        return new ProgressListener(new PrintWriter(text), terminal, now::get);
    }

    private static Progress progress(long rows, long estimated, int done, int total, long elapsedMs) {
        return new Progress("orders", rows, rows * 100, done, total, estimated, Duration.ofMillis(elapsedMs));
    }

    @Test
    void line_shows_rows_size_rate_chunks_and_eta() {
        assertEquals("orders  250,000 rows (25%)  25.0 MB  50,000 rows/s  chunks 2/10  ETA 0:15",
                ProgressListener.line(progress(250_000, 1_000_000, 2, 10, 5_000)));
    }

    @Test
    void line_without_estimate_or_chunks_has_no_eta() {
        assertEquals("orders  1,000 rows  0.1 MB  500 rows/s",
                ProgressListener.line(progress(1_000, -1, 0, 1, 2_000)));
    }

    @Test
    void terminal_redraws_one_line_at_most_four_times_a_second() {
        ProgressListener l = listener(true);
        l.exportStarted("orders", "run1");
        l.progress(progress(10, -1, 0, 1, 1_000));
        now.addAndGet(100_000_000L);
        l.progress(progress(20, -1, 0, 1, 1_100));
        now.addAndGet(150_000_000L);
        l.progress(progress(30, -1, 0, 1, 1_250));
        assertEquals("\rorders  10 rows  0.0 MB  10 rows/s\rorders  30 rows  0.0 MB  24 rows/s", text.toString());
        l.exportFinished(null);
        assertEquals("\r" + " ".repeat(34) + "\r",
                text.toString().substring(text.toString().length() - 36), "the line is cleared");
    }

    @Test
    void log_prints_plain_lines_at_most_every_ten_seconds() {
        ProgressListener l = listener(false);
        l.exportStarted("orders", "run1");
        l.progress(progress(10, -1, 0, 1, 1_000));
        now.addAndGet(9_000_000_000L);
        l.progress(progress(20, -1, 0, 1, 10_000));
        now.addAndGet(1_000_000_000L);
        l.progress(progress(30, -1, 0, 1, 10_000));
        String nl = System.lineSeparator();
        assertEquals("orders: run run1 started" + nl + "orders  30 rows  0.0 MB  3 rows/s" + nl, text.toString());
    }

    @Test
    void events_from_many_threads_are_serialized() throws InterruptedException {
        ProgressListener l = listener(false);
        l.exportStarted("orders", "run1");
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    now.addAndGet(1_000_000_000L);
                    l.progress(progress(i, -1, 0, 1, 1_000));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        // 8,000 seconds of fake time at one line per 10 s: about 800 whole lines, none interleaved.
        String[] lines = text.toString().split(System.lineSeparator());
        for (int i = 1; i < lines.length; i++) {
            assertEquals(true, lines[i].matches("orders  [0-9,]+ rows  0\\.[0-9] MB  [0-9,]+ rows/s"), lines[i]);
        }
        assertEquals(true, lines.length > 700 && lines.length <= 801, "lines: " + lines.length);
    }
}
