package io.rivet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rivet.cli.config.RivetConfig;
import io.rivet.state.RunRecord;
import io.rivet.state.RunStatus;
import io.rivet.state.StateStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rivet metrics}: the run history of each export from the state store, with its trends (duration and size
 * over the last runs, a sparkline on a terminal), or as JSON.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Show each export's run history and its trends.")
final class MetricsCommand implements Callable<Integer> {
    private static final char[] SPARKS = "▁▂▃▄▅▆▇█".toCharArray();

    private final RivetCli cli;

    @Option(names = {"-c", "--config"}, required = true, description = "The rivet.yaml file.")
    Path config;

    @Option(names = {"-e", "--export"}, description = "Only this export (repeatable).")
    List<String> only = new ArrayList<>();

    @Option(names = {"-l", "--limit"}, description = "How many recent runs per export (default: ${DEFAULT-VALUE}).",
            defaultValue = "20")
    int limit;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    MetricsCommand(RivetCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        RivetConfig loaded = StateAccess.load(config, cli);
        List<String> names = StateAccess.exportNames(loaded, only, config);
        PrintWriter out = cli.out();
        StateStore store = StateAccess.open(loaded);
        if (store == null && !json) {
            out.println("No runs yet: " + loaded.directory().resolve(".rivet") + " does not exist.");
            return ExitCodes.OK;
        }
        try {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode all = mapper.createArrayNode();
            for (String name : names) {
                List<RunRecord> runs = store == null ? List.of() : store.runs(name, limit);
                if (json) {
                    all.add(toJson(mapper, name, runs));
                } else {
                    print(out, name, runs);
                }
            }
            if (json) {
                out.println(mapper.writeValueAsString(all));
            }
            return ExitCodes.OK;
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    private void print(PrintWriter out, String name, List<RunRecord> runs) {
        out.println(name + ": " + (runs.isEmpty() ? "no runs yet" : runs.size() + " recent run"
                + (runs.size() == 1 ? "" : "s")));
        if (runs.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "  %-26s %-10s %14s %10s %6s %9s %7s %9s %9s%n", "run", "status", "rows", "bytes",
                "files", "duration", "retries", "throttled", "peak RSS");
        for (RunRecord r : runs) {
            out.printf(Locale.ROOT, "  %-26s %-10s %14s %10s %6d %9s %7d %9s %9s%n", r.runId(),
                    r.status().name().toLowerCase(Locale.ROOT), Formats.count(r.rows()), Formats.bytes(r.bytes()),
                    r.files(), r.duration() == null ? "-" : Formats.duration(r.duration()), r.retries(),
                    Formats.duration(r.throttled()), r.peakMemoryBytes() == 0 ? "-" : Formats.bytes(r.peakMemoryBytes()));
        }
        List<RunRecord> done = new ArrayList<>();
        for (RunRecord r : runs) {
            if (r.status() == RunStatus.SUCCEEDED && r.duration() != null) {
                done.add(r);
            }
        }
        Collections.reverse(done);
        if (done.size() >= 2) {
            List<Double> durations = done.stream().map(r -> (double) r.duration().toMillis()).toList();
            List<Double> sizes = done.stream().map(r -> (double) r.bytes()).toList();
            out.println("  duration: " + trend(durations, Formats.duration(done.get(done.size() - 1).duration()))
                    + (cli.terminal() ? "  " + sparkline(durations) : ""));
            out.println("  size:     " + trend(sizes, Formats.bytes(done.get(done.size() - 1).bytes()))
                    + (cli.terminal() ? "  " + sparkline(sizes) : ""));
        }
    }

    /** The newest value against the median of the earlier ones: {@code 12.3s, +8% vs median of 5}. */
    static String trend(List<Double> oldestFirst, String newest) {
        List<Double> earlier = new ArrayList<>(oldestFirst.subList(0, oldestFirst.size() - 1));
        Collections.sort(earlier);
        double median = earlier.size() % 2 == 1 ? earlier.get(earlier.size() / 2)
                : (earlier.get(earlier.size() / 2 - 1) + earlier.get(earlier.size() / 2)) / 2;
        double last = oldestFirst.get(oldestFirst.size() - 1);
        String change = median == 0 ? "n/a" : String.format(Locale.ROOT, "%+.0f%%", (last - median) / median * 100);
        return newest + ", " + change + " vs median of " + earlier.size() + " earlier successful run"
                + (earlier.size() == 1 ? "" : "s");
    }

    /** A sparkline of the values, oldest first. */
    static String sparkline(List<Double> values) {
        double min = Collections.min(values);
        double max = Collections.max(values);
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            int i = max == min ? SPARKS.length / 2 : (int) Math.round((v - min) / (max - min) * (SPARKS.length - 1));
            s.append(SPARKS[i]);
        }
        return s.toString();
    }

    private static ObjectNode toJson(ObjectMapper mapper, String name, List<RunRecord> runs) {
        ObjectNode node = mapper.createObjectNode();
        node.put("export", name);
        ArrayNode list = node.putArray("runs");
        for (RunRecord r : runs) {
            ObjectNode n = list.addObject();
            n.put("run_id", r.runId());
            n.put("status", r.status().name().toLowerCase(Locale.ROOT));
            n.put("mode", r.mode());
            n.put("started_at", r.startedAt().toString());
            n.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
            Duration d = r.duration();
            if (d == null) {
                n.putNull("duration_ms");
            } else {
                n.put("duration_ms", d.toMillis());
            }
            n.put("rows", r.rows());
            n.put("bytes", r.bytes());
            n.put("files", r.files());
            n.put("retries", r.retries());
            n.put("throttled_ms", r.throttled().toMillis());
            n.put("peak_memory_bytes", r.peakMemoryBytes());
            n.put("error", r.error());
            ArrayNode warnings = n.putArray("warnings");
            r.warnings().forEach(warnings::add);
        }
        return node;
    }
}
