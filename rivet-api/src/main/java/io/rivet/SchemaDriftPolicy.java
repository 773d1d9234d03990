package io.rivet;

import java.util.Locale;

/**
 * What a run does when its schema differs from the export's last accepted schema (columns added, removed or retyped).
 * The first run of an export establishes the baseline.
 */
public enum SchemaDriftPolicy {
    /** Export, log a warning, report it in the result and accept the new schema as the baseline. The default. */
    WARN,
    /** Export and accept the new schema silently (the result still reports the change). */
    CONTINUE,
    /**
     * Write nothing and fail with {@link io.rivet.exception.SchemaDriftException} (CLI exit 4); the old baseline is
     * kept, so every run fails until the schema is reverted or the baseline is reset.
     */
    FAIL;

    /**
     * Parses {@code warn}, {@code continue} or {@code fail} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SchemaDriftPolicy parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "warn" -> WARN;
            case "continue" -> CONTINUE;
            case "fail" -> FAIL;
            default -> throw new IllegalArgumentException(
                    "unknown on_schema_drift \"" + name + "\"; use warn, continue or fail");
        };
    }
}
