package io.rivet.cli.config;

import io.rivet.exception.RivetConfigException;
import java.util.List;

/**
 * A configuration file has one or more problems. {@link #problems()} lists all of them, each a line of the form
 * {@code rivet.yaml: <what is wrong and how to fix it>}; the message joins them with line breaks. Messages never
 * contain secrets.
 */
public final class ConfigException extends RivetConfigException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final List<String> problems;

    /** Creates the exception for {@code file} (as shown to the user) with its problems (at least one). */
    public ConfigException(String file, List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The file as the user named it. */
    public String file() {
        return file;
    }

    /** Every problem found, in file order; each names the file and the key path. Unmodifiable. */
    public List<String> problems() {
        return problems;
    }
}
