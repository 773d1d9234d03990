package io.rivet.cli;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Rivet;
import io.rivet.cli.config.ConfigLoader;
import io.rivet.cli.config.RivetConfig;
import io.rivet.cli.config.SlackNotifications;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.notify.NotificationEvent;
import io.rivet.notify.SlackNotifier;
import io.rivet.state.RunStatus;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rivet run}: loads the configuration, then runs the selected exports one after another on one engine whose
 * state lives in {@code .rivet/} beside the configuration file. A failed export does not stop the others; the exit code
 * is the most severe of all (see {@link ExitCodes#mostSevere(int, int)}). Prints one summary line per export at the
 * end.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the exports of a configuration file, in file order.")
final class RunCommand implements Callable<Integer> {
    private final RivetCli cli;

    @Option(names = {"-c", "--config"}, defaultValue = "rivet.yaml", paramLabel = "FILE",
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = {"-e", "--export"}, paramLabel = "NAME",
            description = "Run only this export; repeat for several (default: all).")
    List<String> only = new ArrayList<>();

    @Option(names = "--resume",
            description = "Continue each export's unfinished chunked run instead of starting afresh.")
    boolean resume;

    @Option(names = "--validate", description = "Read every written file back and check its row count.")
    boolean validate;

    @Option(names = "--reconcile", description = "Compare the source's COUNT(*) with the rows written, inside the"
            + " same snapshot (per chunk); implies --validate.")
    boolean reconcile;

    RunCommand(RivetCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        RivetConfig config = ConfigLoader.load(this.config, cli.env());
        List<Export> exports = select(config);
        if (validate || reconcile) {
            exports = exports.stream().map(e -> e.toBuilder().validate(true).reconcile(reconcile).build()).toList();
        }
        PrintWriter out = cli.out();
        PrintWriter err = cli.err();

        List<String> summary = new ArrayList<>();
        int exit;
        ProgressListener progress = new ProgressListener(err, cli.terminal());
        Rivet.Builder engine = Rivet.builder()
                .stateDirectory(config.directory().resolve(".rivet"))
                .addListener(progress);
        config.slack().ifPresent(slack -> engine.addListener(slackNotifier(slack)));
        try (Rivet rivet = engine.build()) {
            // On Ctrl-C or SIGTERM, cancel running exports so that their staged files are aborted, not left behind.
            // close() may be called more than once, so the hook and try-with-resources may both call it.
            Thread hook = new Thread(rivet::close, "rivet-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                exit = runAll(rivet, exports, summary);
            } finally {
                removeHook(hook);
            }
        }
        for (String line : summary) {
            out.println(line);
        }
        return exit;
    }

    /** The notifier for {@code notifications.slack}; the webhook URL comes from its variable, checked at load. */
    private SlackNotifier slackNotifier(SlackNotifications slack) {
        Set<NotificationEvent> events = EnumSet.noneOf(NotificationEvent.class);
        slack.on().forEach(e -> events.add(NotificationEvent.parse(e)));
        return SlackNotifier.builder(URI.create(cli.env().get(slack.webhookUrlEnv()))).events(events).build();
    }

    private int runAll(Rivet rivet, List<Export> exports, List<String> summary) {
        PrintWriter err = cli.err();
        int exit = ExitCodes.OK;
        for (Export export : exports) {
            try {
                ExportResult result = resume ? rivet.resume(export) : rivet.run(export);
                result.warnings().forEach(w -> err.println("warning: " + export.name() + ": " + w));
                summary.add(success(export, result));
            } catch (RuntimeException failure) {
                int code = ExitCodes.of(failure);
                exit = ExitCodes.mostSevere(exit, code);
                reportFailure(export, failure);
                summary.add(export.name() + ": FAILED (exit " + code + ")");
            }
        }
        return exit;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting and the hook is running; nothing to undo.
        }
    }

    /** The exports chosen with {@code -e}, in file order; an unknown name is a usage error listing the known ones. */
    private List<Export> select(RivetConfig config) {
        if (only.isEmpty()) {
            return config.exports();
        }
        Set<String> wanted = new LinkedHashSet<>(only);
        List<Export> selected = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (Export e : config.exports()) {
            known.add(e.name());
            if (wanted.remove(e.name())) {
                selected.add(e);
            }
        }
        if (!wanted.isEmpty()) {
            throw new RivetConfigException("no export named " + String.join(", ", wanted) + " in " + this.config
                    + "; its exports are: " + String.join(", ", known));
        }
        return selected;
    }

    private void reportFailure(Export export, RuntimeException failure) {
        String message = RivetCli.describe(failure);
        if (!message.contains(export.name())) {
            message = "export \"" + export.name() + "\": " + message;
        }
        PrintWriter err = cli.err();
        err.println("error: " + message);
        if (cli.verbose()) {
            failure.printStackTrace(err);
        } else if (!(failure instanceof RivetException)) {
            err.println("(this looks like a bug; run again with --verbose for the stack trace)");
        }
        err.flush();
    }

    private static String success(Export export, ExportResult r) {
        if (r.status() == RunStatus.SKIPPED) {
            return export.name() + ": skipped, no rows (skip_empty)";
        }
        String prefix = Formats.runPrefix(r);
        return export.name() + ": " + Formats.count(r.rows()) + " rows, " + r.files().size() + " file"
                + (r.files().size() == 1 ? "" : "s") + ", " + Formats.bytes(r.bytes()) + " in "
                + Formats.duration(r.duration()) + (r.resumed() ? " (resumed)" : "")
                + (prefix == null ? "" : " -> " + Formats.locate(export.sink().location(), prefix))
                + (r.warnings().isEmpty() ? "" : " (" + r.warnings().size() + " warning"
                        + (r.warnings().size() == 1 ? "" : "s") + ")");
    }
}
