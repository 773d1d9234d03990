package io.rivet.cli;

import io.rivet.Rivet;
import io.rivet.Source;
import io.rivet.check.TableDiscovery;
import io.rivet.exception.RivetConfigException;
import io.rivet.state.StateStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rivet init}: scaffolds a {@code rivet.yaml} from a live database, for one table or every table of a schema
 * ({@link Rivet#discoverTable}, {@link Rivet#discoverSchema}). The URL comes from an environment variable and the file
 * names only that variable, so no secret is ever written. An existing file is left alone unless {@code --force}.
 * Reads only the catalog, statistics and a primary key's MIN/MAX; creates no state store.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Scaffold a rivet.yaml from a live database: one export per table, with the mode, cursor or"
                + " chunk column, chunk size, parallelism and profile suggested from its keys, indexes and size.")
final class InitCommand implements Callable<Integer> {
    private final RivetCli cli;

    @Option(names = {"--source-env", "--url-env"}, required = true, paramLabel = "VAR",
            description = "The environment variable holding the source URL (postgresql://user:pass@host/db or"
                    + " jdbc:postgresql://...); the scaffold's url_env names it.")
    String urlEnv;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Scope scope;

    /** Exactly one of {@code --table} and {@code --schema}. */
    static final class Scope {
        @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "Scaffold an export of this table.")
        String table;

        @Option(names = "--schema", paramLabel = "SCHEMA", description = "Scaffold an export of every table of"
                + " this schema.")
        String schema;
    }

    @Option(names = {"-o", "--output"}, defaultValue = "rivet.yaml", paramLabel = "FILE",
            description = "Where to write the scaffold (default: ${DEFAULT-VALUE}; - for standard output).")
    String output;

    @Option(names = "--force", description = "Overwrite the output file if it exists.")
    boolean force;

    @Option(names = "--format", defaultValue = "parquet", paramLabel = "FORMAT",
            description = "The exports' format: parquet or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--destination", defaultValue = "out", paramLabel = "DIR",
            description = "The local output directory written into the scaffold, relative to it (default:"
                    + " ${DEFAULT-VALUE}).")
    String destination;

    InitCommand(RivetCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("parquet") && !fmt.equals("csv")) {
            throw new RivetConfigException("--format must be parquet or csv but is \"" + format + "\"");
        }
        if (!urlEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new RivetConfigException("--source-env takes the NAME of an environment variable (letters, digits,"
                    + " '_'), e.g. --source-env DATABASE_URL");
        }
        String url = cli.env().get(urlEnv);
        if (url == null || url.isBlank()) {
            throw new RivetConfigException("the environment variable " + urlEnv + " (--source-env) is not set;"
                    + " export it first, e.g. export " + urlEnv + "=postgresql://user:password@host:5432/db");
        }
        url = url.trim();
        String dialect = dialect(url);
        boolean toStdout = output.equals("-");
        Path file = toStdout ? null : Path.of(output);
        if (file != null && Files.exists(file) && !force) {
            throw new RivetConfigException(file + " already exists; rivet init does not overwrite it. Choose another"
                    + " file with -o, or pass --force to replace it.");
        }

        List<TableDiscovery> tables;
        String what;
        Source source = Source.builder().url(url).dialect(dialect).build();
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.inMemory()).build()) {
            if (scope.table != null) {
                what = "table " + scope.table;
                tables = List.of(rivet.discoverTable(source, scope.table));
            } else {
                what = "schema " + scope.schema;
                tables = rivet.discoverSchema(source, scope.schema);
            }
        }
        if (tables.isEmpty()) {
            throw new RivetConfigException("schema " + scope.schema + " has no tables this user can read; nothing"
                    + " to scaffold");
        }
        String yaml = InitYaml.render(dialect, urlEnv, what, tables, fmt, destination);
        if (toStdout) {
            cli.out().print(yaml);
            cli.out().flush();
            return ExitCodes.OK;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (force) {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
        } else {
            // CREATE_NEW: a file that appeared meanwhile is not overwritten either.
            Files.writeString(file, yaml, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        }
        for (TableDiscovery t : tables) {
            cli.out().println(t.table() + ": " + t.suggestedMode().name() + ", profile "
                    + t.suggestedProfile().name() + (t.notes().isEmpty() ? "" : " (" + t.notes().size() + " note"
                    + (t.notes().size() == 1 ? "" : "s") + " to review)"));
        }
        cli.out().println("wrote " + file + " (" + tables.size() + " export" + (tables.size() == 1 ? "" : "s")
                + "). Next: rivet check -c " + file);
        return ExitCodes.OK;
    }

    /** The dialect a URL names, without echoing the URL (it may hold a password). */
    private String dialect(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:") || lower.startsWith("postgres://")
                || lower.startsWith("postgresql://")) {
            return "postgres";
        }
        if (lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:") || lower.startsWith("mysql://")
                || lower.startsWith("mariadb://")) {
            return "mysql";
        }
        throw new RivetConfigException("the URL in " + urlEnv + " must start with postgresql://, postgres://,"
                + " mysql://, jdbc:postgresql: or jdbc:mysql:");
    }
}
