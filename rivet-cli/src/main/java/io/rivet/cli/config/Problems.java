package io.rivet.cli.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one configuration file, so that all of them are reported together. Not thread-safe. */
final class Problems {
    private final String file;
    private final List<String> messages = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** Records a problem; {@code message} names the key path and says how to fix it. */
    void add(String message) {
        messages.add(file + ": " + message);
    }

    /** Records a problem at a line and column of the file (1-based). */
    void addAt(int line, int column, String message) {
        messages.add(file + ":" + line + ":" + column + ": " + message);
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    int size() {
        return messages.size();
    }

    /** Throws a {@link ConfigException} listing every problem, if there is any. */
    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigException(file, messages);
        }
    }
}
