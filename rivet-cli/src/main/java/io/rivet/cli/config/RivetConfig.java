package io.rivet.cli.config;

import io.rivet.Export;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded and validated {@code rivet.yaml}: the exports in file order, ready to run, and the notification settings.
 * Immutable and thread-safe. Made by {@link ConfigLoader}.
 */
public final class RivetConfig {
    private final Path file;
    private final List<Export> exports;
    private final SlackNotifications slack;

    RivetConfig(Path file, List<Export> exports, SlackNotifications slack) {
        this.file = Objects.requireNonNull(file, "file");
        this.exports = List.copyOf(exports);
        this.slack = slack;
    }

    /** The configuration file, absolute. */
    public Path file() {
        return file;
    }

    /** The directory holding the file: relative paths in it, and the {@code .rivet} state directory, live here. */
    public Path directory() {
        return file.getParent();
    }

    /** The exports, in file order. Unmodifiable. */
    public List<Export> exports() {
        return exports;
    }

    /** The Slack notification settings, if {@code notifications.slack} is configured. */
    public Optional<SlackNotifications> slack() {
        return Optional.ofNullable(slack);
    }
}
