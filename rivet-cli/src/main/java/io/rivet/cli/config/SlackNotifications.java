package io.rivet.cli.config;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code notifications.slack}: which run outcomes to announce, and the environment variable that holds the webhook URL
 * (never the URL itself, which is a secret). Immutable. The run command turns it into a
 * {@link io.rivet.notify.SlackNotifier}.
 *
 * @param webhookUrlEnv the name of the environment variable holding the webhook URL (checked to be set when loaded)
 * @param on the events to notify: a subset of {@link #EVENTS}; default {@code [failure]}
 */
public record SlackNotifications(String webhookUrlEnv, Set<String> on) {
    /** The accepted values of {@code on}, as in the Rust tool, plus {@code success}. */
    public static final List<String> EVENTS = List.of("failure", "success", "schema_change", "degraded");

    /** Checks and copies the values. */
    public SlackNotifications {
        Objects.requireNonNull(webhookUrlEnv, "webhookUrlEnv");
        on = Set.copyOf(on);
    }
}
