package io.rivet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rivet.Export;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.UriSink;
import io.rivet.cli.config.ConfigLoader;
import io.rivet.cli.config.RivetConfig;
import io.rivet.core.spi.DialectProvider;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.spi.ObjectWriter;
import io.rivet.spi.SinkProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rivet doctor}: checks, before a scheduled run fails, that the configuration's source answers and that every
 * destination accepts a write. Each destination gets a small probe object ({@value #PROBE_KEY}) written, listed, read
 * back and deleted; the source gets one connection that reports the server's version. It prints a pass/fail table (or
 * JSON with {@code --json}) with the fix for each failure, and exits 0 when everything passed, otherwise with the most
 * severe code of the failures (1 for a configuration problem, 2 for a transient one).
 *
 * <p>Each check is independent: a failing source does not stop the destination checks. New checks are a
 * {@link Probe} more.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Checks that the source answers and that every destination accepts a write (a small probe"
                + " object is written, read back and deleted).")
final class DoctorCommand implements Callable<Integer> {
    /** The probe object's key, below each destination's root. NOTE: documented; users may see it in bucket logs. */
    static final String PROBE_KEY = ".rivet_doctor_probe";

    private final RivetCli cli;

    @Option(names = {"-c", "--config"}, defaultValue = "rivet.yaml", paramLabel = "FILE",
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;

    DoctorCommand(RivetCli cli) {
        this.cli = cli;
    }

    /** One check's outcome. {@code exitCode} is 0 when it passed. */
    record Result(String check, String target, boolean ok, String detail, long millis, int exitCode) {
    }

    /** A check of one thing the configuration depends on. */
    interface Probe {
        /** What is checked, e.g. {@code source} or {@code destination}. */
        String check();

        /** Where, without secrets. */
        String target();

        /**
         * Runs the check and returns what it found.
         *
         * @throws Exception when the check fails; its message is shown as the detail
         */
        String run() throws Exception;
    }

    @Override
    public Integer call() {
        RivetConfig loaded = ConfigLoader.load(config, cli.env());
        List<Probe> probes = new ArrayList<>();
        Set<String> sources = new LinkedHashSet<>();
        Set<Sink> sinks = new LinkedHashSet<>();
        for (Export e : loaded.exports()) {
            if (sources.add(e.source().toString())) {
                probes.add(new SourceProbe(e.source()));
            }
            if (sinks.add(e.sink())) {
                probes.add(new DestinationProbe(e.sink()));
            }
        }
        List<Result> results = new ArrayList<>();
        for (Probe p : probes) {
            results.add(run(p));
        }
        if (json) {
            printJson(loaded, results);
        } else {
            printTable(results);
        }
        int exit = ExitCodes.OK;
        for (Result r : results) {
            exit = ExitCodes.mostSevere(exit, r.exitCode());
        }
        return exit;
    }

    private static Result run(Probe p) {
        long t0 = System.nanoTime();
        try {
            String detail = p.run();
            return new Result(p.check(), p.target(), true, detail, millisSince(t0), ExitCodes.OK);
        } catch (Exception e) {
            String detail = e.getMessage() == null ? e.toString() : e.getMessage();
            int code = e instanceof RivetException ? ExitCodes.of(e) : ExitCodes.CONFIG;
            return new Result(p.check(), p.target(), false, detail, millisSince(t0), code);
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private void printTable(List<Result> results) {
        PrintWriter out = cli.out();
        int targetWidth = 6;
        for (Result r : results) {
            targetWidth = Math.max(targetWidth, r.target().length());
        }
        String format = "%-12s %-" + targetWidth + "s  %-4s  %s%n";
        out.printf(Locale.ROOT, format, "CHECK", "TARGET", "OK", "DETAIL");
        for (Result r : results) {
            out.printf(Locale.ROOT, format, r.check(), r.target(), r.ok() ? "pass" : "FAIL",
                    r.detail() + " (" + r.millis() + " ms)");
        }
        long failed = results.stream().filter(r -> !r.ok()).count();
        out.println(failed == 0 ? "All " + results.size() + " checks passed."
                : failed + " of " + results.size() + " checks failed; each line says how to fix it.");
        out.flush();
    }

    private void printJson(RivetConfig loaded, List<Result> results) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("config", loaded.file().toString());
        doc.put("ok", results.stream().allMatch(Result::ok));
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("check", r.check());
            c.put("target", r.target());
            c.put("ok", r.ok());
            c.put("detail", r.detail());
            c.put("millis", r.millis());
            checks.add(c);
        }
        doc.put("checks", checks);
        try {
            cli.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cli.out().flush();
    }

    // ------------------------------------------------------------------ source

    /** Connects once and reports the server's product and version. */
    static final class SourceProbe implements Probe {
        private final Source source;

        SourceProbe(Source source) {
            this.source = source;
        }

        @Override
        public String check() {
            return "source";
        }

        @Override
        public String target() {
            return Source.redact(source.url());
        }

        @Override
        public String run() throws SQLException {
            String jdbcUrl = jdbcUrl();
            Properties props = new Properties();
            props.putAll(source.properties());
            if (source.user() != null) {
                props.setProperty("user", source.user());
            }
            String password = source.resolvePassword();
            if (password != null) {
                props.setProperty("password", password);
            }
            DriverManager.setLoginTimeout(10);
            try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
                DatabaseMetaData md = c.getMetaData();
                return server(md.getDatabaseProductName(), md.getDatabaseProductVersion()) + ", connected as "
                        + md.getUserName();
            } catch (SQLException e) {
                String message = "cannot connect (" + e.getMessage().lines().findFirst().orElse("")
                        + (e.getSQLState() == null ? "" : ", SQLSTATE " + e.getSQLState()) + "). " + fix(e);
                // A server that does not answer may come back; a refused login or a missing database will not.
                throw e.getSQLState() != null && e.getSQLState().startsWith("08")
                        ? new RetryableProbeFailure(message, e) : new RivetConfigException(message, e);
            }
        }

        /**
         * The server's product and version. Connector/J reports a MariaDB server as product {@code MySQL} with the
         * version MariaDB's handshake carries ({@code 5.5.5-10.11.19-MariaDB-...} on MariaDB 10 and 11, the prefix
         * keeping old clients working); it is shown as {@code MariaDB 10.11.19-MariaDB-...}.
         */
        static String server(String product, String version) {
            if (version != null && version.toLowerCase(Locale.ROOT).contains("mariadb")) {
                return "MariaDB " + (version.startsWith("5.5.5-") ? version.substring("5.5.5-".length()) : version);
            }
            return product + " " + version;
        }

        private String jdbcUrl() {
            for (DialectProvider p : ServiceLoader.load(DialectProvider.class, loader())) {
                if (source.dialect() != null && !p.name().equalsIgnoreCase(source.dialect())) {
                    continue;
                }
                String converted = p.toJdbcUrl(source.url());
                if (converted != null) {
                    return converted;
                }
            }
            throw new RivetConfigException("no dialect understands the URL " + Source.redact(source.url())
                    + "; write it as jdbc:postgresql://host:5432/db or postgresql://user@host:5432/db (mysql://...)");
        }

        private static String fix(SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("28")) {
                return "The server refused the login: check source.user and the variable named by"
                        + " source.password_env.";
            }
            if (state.startsWith("08")) {
                return "The server cannot be reached: check source host and port (or url), that it is running, and"
                        + " that it accepts connections from this machine.";
            }
            if (state.equals("3D000") || state.equals("42000")) {
                return "The database does not exist: check source.database (or the database in the URL).";
            }
            return "Check the source settings.";
        }
    }

    // ------------------------------------------------------------------ destinations

    /** Writes, lists, reads back and deletes a probe object. */
    static final class DestinationProbe implements Probe {
        private final Sink sink;

        DestinationProbe(Sink sink) {
            this.sink = sink;
        }

        @Override
        public String check() {
            return "destination";
        }

        @Override
        public String target() {
            String location = sink.location();
            return location.endsWith("/") ? location : location + "/";
        }

        @Override
        public String run() throws Exception {
            Sink resolved = resolve();
            try {
                return probe(resolved);
            } finally {
                if (resolved != sink && resolved instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }

        private String probe(Sink s) throws IOException {
            byte[] content = ("rivet doctor probe " + Instant.now() + " "
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "\n").getBytes(StandardCharsets.UTF_8);
            step("writing the probe object " + PROBE_KEY, () -> {
                try (ObjectWriter w = s.open(PROBE_KEY)) {
                    OutputStream out = w.stream();
                    out.write(content);
                    out.close();
                    w.commit();
                }
                return null;
            });
            try {
                verify(s, content);
            } catch (RuntimeException e) {
                try {
                    s.delete(PROBE_KEY);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return "wrote, listed, read back and deleted " + PROBE_KEY;
        }

        private static void verify(Sink s, byte[] content) {
            step("listing the probe object", () -> {
                if (!s.list(PROBE_KEY).contains(PROBE_KEY)) {
                    throw new RivetConfigException("the probe object was written but is not listed; the destination"
                            + " does not list what it stores, so resume could not find earlier files");
                }
                return null;
            });
            step("reading the probe object back", () -> {
                try (InputStream in = s.read(PROBE_KEY)) {
                    if (!Arrays.equals(content, in.readAllBytes())) {
                        throw new RivetConfigException("the probe object read back differs from what was written");
                    }
                }
                return null;
            });
            step("deleting the probe object", () -> {
                if (!s.delete(PROBE_KEY)) {
                    throw new RivetConfigException("deleting the probe object found nothing to delete");
                }
                return null;
            });
        }

        /** A step that names itself in the failure, keeping the sink's message (which carries the fix). */
        private static void step(String what, IoStep step) {
            try {
                step.run();
            } catch (RivetException e) {
                throw e.retryable() ? new RetryableProbeFailure(what + " failed: " + e.getMessage(), e)
                        : new RivetConfigException(what + " failed: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new RetryableProbeFailure(what + " failed: " + e.getMessage(), e);
            }
        }

        /** Resolves a described sink through its provider, as the engine does; a doctor does not wait long. */
        private Sink resolve() {
            if (!(sink instanceof UriSink u)) {
                return sink;
            }
            String scheme = u.uri().getScheme().toLowerCase(Locale.ROOT);
            List<String> available = new ArrayList<>();
            for (SinkProvider p : ServiceLoader.load(SinkProvider.class, loader())) {
                available.add(p.scheme());
                if (p.scheme().equals(scheme)) {
                    Map<String, String> options = new LinkedHashMap<>(u.options());
                    if (!scheme.equals("file")) {
                        // Fail fast on an unreachable endpoint: two attempts instead of the run's five or six.
                        options.putIfAbsent("max_attempts", "2");
                    }
                    return p.create(u.uri(), options);
                }
            }
            throw new RivetConfigException("no sink provider for scheme \"" + scheme + "\" (available: "
                    + String.join(", ", available) + "); this rivet build lacks it");
        }
    }

    /** A step that may throw. */
    @FunctionalInterface
    private interface IoStep {
        Void run() throws IOException;
    }

    /** A probe failure that may pass on its own (network, throttling), for exit code 2. */
    static final class RetryableProbeFailure extends RivetException {
        private static final long serialVersionUID = 1L;

        RetryableProbeFailure(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    private static ClassLoader loader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : DoctorCommand.class.getClassLoader();
    }
}
