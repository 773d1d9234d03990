package io.rivet.notify;

import java.util.Locale;

/** The run outcomes a notifier can announce. */
public enum NotificationEvent {
    /** The run failed; nothing of it was published. */
    FAILURE,
    /** The run succeeded, but with retries, warnings or quality warnings: worth a look. */
    DEGRADED,
    /** The run succeeded cleanly (or was skipped as empty). */
    SUCCESS,
    /** The run's schema differs from the last accepted one (announced in addition to the outcome). */
    SCHEMA_CHANGE;

    /**
     * Parses {@code failure}, {@code degraded}, {@code success} or {@code schema_change} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static NotificationEvent parse(String name) {
        for (NotificationEvent e : values()) {
            if (e.name().equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown notification event \"" + name
                + "\"; use failure, degraded, success or schema_change");
    }

    /** The event's name as written in YAML. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
