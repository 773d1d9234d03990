package io.rivet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rivet.Export;
import io.rivet.Rivet;
import io.rivet.check.CheckReport;
import io.rivet.check.Finding;
import io.rivet.check.Verdict;
import io.rivet.cli.config.RivetConfig;
import io.rivet.exception.RivetException;
import io.rivet.state.StateStore;
import io.rivet.state.StateStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rivet check}: the preflight of each selected export ({@link Rivet#check(Export)}), printed as a table of
 * findings with their fixes and a verdict per export, or as one JSON document with {@code --json}. Writes nothing,
 * neither to the source nor to the destinations; reads the state store beside the configuration when it exists (for
 * an incremental export's stored cursor) and never creates it.
 *
 * <p>Exit codes (docs/design/009-check-and-init.md): 0 when every export is READY or READY_WITH_WARNINGS; 1 when one
 * is NOT_READY (a configuration problem: fix the export or the source) or the configuration is invalid; when the
 * source cannot be reached for an export, the code of that failure (2 when it is transient), the most severe of all
 * winning as in {@code rivet run}.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Preflight each export against its source: table, plan, indexes, privileges, replica,"
                + " connection headroom, timeouts, long transactions; a verdict and a recommended profile.")
final class CheckCommand implements Callable<Integer> {
    private final RivetCli cli;

    @Option(names = {"-c", "--config"}, defaultValue = "rivet.yaml", paramLabel = "FILE",
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = {"-e", "--export"}, paramLabel = "NAME",
            description = "Check only this export; repeat for several (default: all).")
    List<String> only = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON document instead of tables.")
    boolean json;

    CheckCommand(RivetCli cli) {
        this.cli = cli;
    }

    /** One export's outcome: a report, or the failure that prevented one. */
    private record Outcome(Export export, CheckReport report, RuntimeException failure) {
    }

    @Override
    public Integer call() throws Exception {
        RivetConfig loaded = StateAccess.load(config, cli);
        List<String> names = StateAccess.exportNames(loaded, only, config);
        List<Export> exports = loaded.exports().stream().filter(e -> names.contains(e.name())).toList();
        StateStore stored = StateAccess.open(loaded);
        StateStore store = stored != null ? stored : StateStores.inMemory();
        List<Outcome> outcomes = new ArrayList<>();
        try (Rivet rivet = Rivet.builder().stateStore(store).build()) {
            for (Export export : exports) {
                try {
                    outcomes.add(new Outcome(export, rivet.check(export), null));
                } catch (RuntimeException failure) {
                    outcomes.add(new Outcome(export, null, failure));
                }
            }
        } finally {
            store.close();
        }
        int exit = ExitCodes.OK;
        for (Outcome o : outcomes) {
            exit = ExitCodes.mostSevere(exit, o.failure != null ? ExitCodes.of(o.failure)
                    : o.report.verdict() == Verdict.NOT_READY ? ExitCodes.CONFIG : ExitCodes.OK);
        }
        if (json) {
            printJson(outcomes, exit);
        } else {
            printTables(outcomes);
        }
        return exit;
    }

    private void printTables(List<Outcome> outcomes) {
        PrintWriter out = cli.out();
        int ready = 0;
        int warned = 0;
        int notReady = 0;
        int failed = 0;
        for (Outcome o : outcomes) {
            String name = o.export.name();
            if (o.failure != null) {
                failed++;
                String message = RivetCli.describe(o.failure);
                cli.err().println("error: " + (message.contains(name) ? message : "export \"" + name + "\": "
                        + message));
                if (cli.verbose()) {
                    o.failure.printStackTrace(cli.err());
                } else if (!(o.failure instanceof RivetException)) {
                    cli.err().println("(this looks like a bug; run again with --verbose for the stack trace)");
                }
                out.println(name + ": NOT CHECKED (exit " + ExitCodes.of(o.failure) + ")");
                out.println();
                continue;
            }
            CheckReport r = o.report;
            switch (r.verdict()) {
                case READY -> ready++;
                case READY_WITH_WARNINGS -> warned++;
                default -> notReady++;
            }
            out.println(name + " (" + r.target() + ", " + r.mode() + "): " + r.verdict());
            if (r.rowEstimate() >= 0 || r.planSummary() != null) {
                out.println("  rows: " + (r.rowEstimate() < 0 ? "unknown" : "~" + Formats.count(r.rowEstimate()))
                        + (r.planSummary() == null ? "" : "   plan: " + r.planSummary()));
            }
            out.println("  recommended profile: " + r.recommendedProfile().name() + " (" + r.profileReason() + ")");
            int codeWidth = r.findings().stream().mapToInt(f -> f.code().length()).max().orElse(0);
            for (Finding f : r.findings()) {
                String lead = "  " + pad(f.severity().name(), 5) + " " + pad(f.code(), codeWidth) + "  ";
                out.println(lead + stripExport(f.message(), name));
                if (f.fix() != null) {
                    String indent = " ".repeat(lead.length());
                    String[] lines = f.fix().split("\n", -1);
                    out.println(indent + "fix: " + lines[0]);
                    for (int i = 1; i < lines.length; i++) {
                        out.println(indent + "     " + lines[i]);
                    }
                }
            }
            out.println();
        }
        List<String> parts = new ArrayList<>();
        if (ready > 0) {
            parts.add(ready + " ready");
        }
        if (warned > 0) {
            parts.add(warned + " ready with warnings");
        }
        if (notReady > 0) {
            parts.add(notReady + " not ready");
        }
        if (failed > 0) {
            parts.add(failed + " not checked");
        }
        out.println(outcomes.size() + " export" + (outcomes.size() == 1 ? "" : "s") + " checked: "
                + String.join(", ", parts));
    }

    /** Findings start with {@code Export "name": }, which the table's heading already says. */
    static String stripExport(String message, String name) {
        String prefix = "Export \"" + name + "\": ";
        if (message.startsWith(prefix)) {
            String rest = message.substring(prefix.length());
            return rest.isEmpty() ? rest : Character.toUpperCase(rest.charAt(0)) + rest.substring(1);
        }
        return message;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private void printJson(List<Outcome> outcomes, int exit) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("config", config.toString());
        ArrayNode list = root.putArray("exports");
        for (Outcome o : outcomes) {
            ObjectNode e = list.addObject();
            e.put("export", o.export.name());
            if (o.failure != null) {
                e.put("verdict", "NOT_CHECKED");
                e.put("error", RivetCli.describe(o.failure));
                e.put("exit_code", ExitCodes.of(o.failure));
                continue;
            }
            CheckReport r = o.report;
            e.put("target", r.target());
            e.put("mode", r.mode());
            e.put("verdict", r.verdict().name());
            e.put("row_estimate", r.rowEstimate());
            if (r.planSummary() == null) {
                e.putNull("plan");
            } else {
                e.put("plan", r.planSummary());
            }
            e.put("recommended_profile", r.recommendedProfile().name());
            e.put("profile_reason", r.profileReason());
            ArrayNode findings = e.putArray("findings");
            for (Finding f : r.findings()) {
                ObjectNode n = findings.addObject();
                n.put("severity", f.severity().name());
                n.put("code", f.code());
                n.put("message", f.message());
                if (f.fix() == null) {
                    n.putNull("fix");
                } else {
                    n.put("fix", f.fix());
                }
            }
            ObjectNode facts = e.putObject("facts");
            r.facts().forEach(facts::put);
        }
        root.put("exit_code", exit);
        cli.out().println(mapper.writeValueAsString(root));
        // Failures still get their error line on stderr, where schedulers look.
        for (Outcome o : outcomes) {
            if (o.failure != null) {
                cli.err().println("error: export \"" + o.export.name() + "\": " + RivetCli.describe(o.failure));
            }
        }
    }
}
