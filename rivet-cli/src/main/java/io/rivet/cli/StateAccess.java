package io.rivet.cli;

import io.rivet.Export;
import io.rivet.cli.config.ConfigLoader;
import io.rivet.cli.config.RivetConfig;
import io.rivet.exception.RivetConfigException;
import io.rivet.state.StateStore;
import io.rivet.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens the state store beside a configuration for the read-only commands ({@code metrics}, {@code state}), and picks
 * the exports they report on.
 */
final class StateAccess {
    private StateAccess() {
    }

    /** The store beside {@code config}, or {@code null} when no run has created it yet. */
    static StateStore open(RivetConfig config) {
        Path dir = config.directory().resolve(".rivet");
        if (!Files.exists(dir.resolve("state.db"))) {
            return null;
        }
        return StateStores.file(dir);
    }

    /** The export names chosen with {@code -e} (all when none), in file order; an unknown name is a usage error. */
    static List<String> exportNames(RivetConfig config, List<String> only, Path file) {
        List<String> known = new ArrayList<>();
        for (Export e : config.exports()) {
            known.add(e.name());
        }
        if (only.isEmpty()) {
            return known;
        }
        Set<String> wanted = new LinkedHashSet<>(only);
        List<String> missing = new ArrayList<>(wanted);
        missing.removeAll(known);
        if (!missing.isEmpty()) {
            throw new RivetConfigException("no export named " + String.join(", ", missing) + " in " + file
                    + "; its exports are: " + String.join(", ", known));
        }
        List<String> chosen = new ArrayList<>(known);
        chosen.retainAll(wanted);
        return chosen;
    }

    /** Loads the configuration, ignoring environment variables a report does not need. */
    static RivetConfig load(Path file, RivetCli cli) {
        return ConfigLoader.load(file, cli.env());
    }
}
