package io.rivet.cli;

import io.rivet.Rivet;
import io.rivet.cli.config.ConfigException;
import io.rivet.exception.RivetException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code rivet} command: {@code rivet run -c rivet.yaml}, {@code rivet check}, {@code rivet init},
 * {@code rivet doctor}, {@code rivet demo},
 * {@code --version}, {@code --help}.
 *
 * <p>Exit codes (see {@link ExitCodes}): 0 success; 1 configuration, usage or a permanent failure; 2 a retryable
 * failure; 3 a failed data-integrity check; 4 schema drift. Errors print one {@code error: <message>} line per problem
 * to stderr, with a stack trace only under {@code --verbose}.
 *
 * <p>An instance holds the streams and environment it runs with, so tests can run the CLI in-process with
 * {@link #execute(String...)}. Not thread-safe: one {@code execute} at a time per instance.
 */
@Command(name = "rivet", mixinStandardHelpOptions = true, versionProvider = RivetCli.Version.class,
        description = "Exports PostgreSQL and MySQL tables to Parquet and CSV: fast, gentle on the source,"
                + " resumable.",
        footer = {"", "Exit codes: 0 success, 1 configuration or usage, 2 retryable failure, 3 data integrity,"
                + " 4 schema drift."})
public final class RivetCli implements Callable<Integer> {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final boolean terminal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces and the engine's log.")
    boolean verbose;

    /** A CLI on the process's stdout, stderr and environment. */
    public RivetCli() {
        this(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                System.getenv(), System.console() != null);
    }

    /**
     * A CLI on the given streams and environment.
     *
     * @param out where results and summaries go (not closed)
     * @param err where errors and progress go (not closed)
     * @param env the environment {@code *_env} configuration keys are resolved from
     * @param terminal whether {@code err} is an interactive terminal (progress redraws one line)
     */
    public RivetCli(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.terminal = terminal;
    }

    /** Runs the CLI and exits the JVM with its exit code. */
    public static void main(String[] args) {
        loadSqliteInBackground();
        int code = new RivetCli().execute(args);
        System.exit(code);
    }

    /**
     * Loads the state store's native SQLite library on a daemon thread while the command line and configuration are
     * parsed. sqlite-jdbc extracts the library into a new temporary file, compares it with the jar's copy and runs
     * {@code uname} before loading it: about 0.1 s that was otherwise on every run's critical path, before the first
     * query. Its loader is synchronized, so the state store's first connection waits for this one to finish; a
     * failure here is ignored and happens again, reported, when the store opens.
     */
    private static void loadSqliteInBackground() {
        Thread loader = new Thread(() -> {
            try {
                org.sqlite.SQLiteJDBCLoader.initialize();
            } catch (Exception | LinkageError e) {
                // reported by the state store when it opens
            }
        }, "rivet-sqlite-loader");
        loader.setDaemon(true);
        loader.start();
    }

    /** Runs one command line and returns its exit code; never calls {@code System.exit}. */
    public int execute(String... args) {
        quietLogging(Arrays.asList(args).contains("--verbose"));
        verbose = false;
        CommandLine cl = new CommandLine(this);
        cl.addSubcommand("run", new RunCommand(this));
        cl.addSubcommand("doctor", new DoctorCommand(this));
        cl.addSubcommand("demo", new DemoCommand(this));
        cl.addSubcommand("metrics", new MetricsCommand(this));
        cl.addSubcommand("state", new StateCommand(this));
        cl.addSubcommand("check", new CheckCommand(this));
        cl.addSubcommand("init", new InitCommand(this));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, arguments) -> {
            err.println("error: " + ex.getMessage());
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.CONFIG;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex));
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code rivet} without a command: show the usage. */
    @Override
    public Integer call() {
        err.println("error: a command is required");
        spec.commandLine().usage(err);
        return ExitCodes.CONFIG;
    }

    /** Prints a failure as {@code error:} lines and returns its exit code. */
    int report(Throwable failure) {
        if (failure instanceof ConfigException c) {
            c.problems().forEach(p -> err.println("error: " + p));
        } else {
            err.println("error: " + describe(failure));
        }
        if (verbose) {
            failure.printStackTrace(err);
        } else if (!(failure instanceof RivetException)) {
            err.println("(this looks like a bug; run again with --verbose for the stack trace)");
        }
        err.flush();
        return ExitCodes.of(failure);
    }

    /** A failure's message for an {@code error:} line. */
    static String describe(Throwable failure) {
        if (failure instanceof RivetException) {
            return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        }
        return "internal error: " + failure;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    Map<String, String> env() {
        return env;
    }

    boolean terminal() {
        return terminal;
    }

    boolean verbose() {
        return verbose;
    }

    /**
     * The engine and the embedded server log through SLF4J; a command-line user wants their warnings only, unless
     * asked. An explicit {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} wins.
     */
    private static void quietLogging(boolean verbose) {
        String key = "org.slf4j.simpleLogger.defaultLogLevel";
        if (System.getProperty(key) == null) {
            System.setProperty(key, verbose ? "info" : "warn");
        }
    }

    /** The library's version ({@link Rivet#version()}) with the JVM's and the platform's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rivet " + Rivet.version() + " (Java " + System.getProperty("java.version") + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
        }
    }
}
