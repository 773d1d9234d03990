package io.rivet.bench.macro;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link MemoryBudgetBenchmark} for every cell and prints the checklist's memory budget table with what was
 * measured beside it. Arguments are passed to JMH as parameters, e.g. {@code profile=safe} or
 * {@code table=narrow}.
 *
 * <pre>
 * java -cp rivet-bench/target/benchmarks.jar io.rivet.bench.macro.MemoryBudgetReport [name=value ...]
 * </pre>
 */
public final class MemoryBudgetReport {

    private MemoryBudgetReport() {
    }

    /** Runs the cells and prints the table; exits 1 when a cell is over its budget. */
    public static void main(String[] args) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder().include(MemoryBudgetBenchmark.class.getSimpleName());
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.param(arg.substring(0, eq), arg.substring(eq + 1).split(","));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        List<String> lines = new ArrayList<>();
        boolean allPass = true;
        lines.add(String.format("%-7s %-10s %-8s %10s %10s %10s %12s  %s", "table", "batch_size", "profile",
                "rows", "heap MB", "Arrow MB", "RSS MB", "budget (low end)"));
        for (RunResult r : results) {
            Map<String, Result> s = r.getSecondaryResults();
            String table = r.getParams().getParam("table");
            String batch = r.getParams().getParam("batchSize");
            long rss = (long) s.get("rssMb").getScore();
            long budget = (long) s.get("budgetMb").getScore();
            boolean pass = rss <= budget;
            allPass &= pass;
            lines.add(String.format("%-7s %-10s %-8s %10d %10d %10d %12d  <= %d MB %s", table, batch,
                    r.getParams().getParam("profile"), (long) s.get("rows").getScore(),
                    (long) s.get("heapMb").getScore(), (long) s.get("arrowMb").getScore(), rss, budget,
                    pass ? "PASS" : "FAIL"));
        }
        System.out.println();
        System.out.println("Memory budget (production checklist, low end of each range); peak per JVM:");
        lines.forEach(System.out::println);
        if (!allPass) {
            System.exit(1);
        }
    }
}
