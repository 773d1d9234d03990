package io.rivet.cli.config;

import io.rivet.Export;
import io.rivet.Profile;
import java.time.Duration;
import java.util.List;

/**
 * One {@code tuning:} block; every field is {@code null} when not set, so that {@code source.tuning} and
 * {@code exports[].tuning} merge field by field (the export wins). Immutable.
 */
record Tuning(String profile, Integer batchSize, Long throttleMs, Long statementTimeoutS, Long lockTimeoutS,
        Integer maxRetries) {
    static final Tuning EMPTY = new Tuning(null, null, null, null, null, null);

    private static final List<String> PROFILES = List.of("safe", "balanced", "fast");

    /** Reads a tuning block, reporting bad values; {@code null} gives {@link #EMPTY}. */
    static Tuning parse(YamlObject t) {
        if (t == null) {
            return EMPTY;
        }
        String profile = t.string("profile");
        if (profile != null && !PROFILES.contains(profile)) {
            String hint = DidYouMean.suggest(profile, PROFILES);
            t.problems().add(t.pathOf("profile") + " must be safe, balanced or fast but is \"" + profile + "\""
                    + (hint == null ? "" : " — did you mean \"" + hint + "\"?"));
            profile = null;
        }
        return new Tuning(profile,
                t.integer("batch_size", 1, 1_000_000),
                t.whole("throttle_ms", 0, 3_600_000),
                t.whole("statement_timeout_s", 0, 86_400),
                t.whole("lock_timeout_s", 0, 86_400),
                t.integer("max_retries", 0, 100));
    }

    /** This block with every field that {@code over} sets replaced by {@code over}'s value. */
    Tuning overriddenBy(Tuning over) {
        return new Tuning(pick(over.profile, profile), pick(over.batchSize, batchSize),
                pick(over.throttleMs, throttleMs), pick(over.statementTimeoutS, statementTimeoutS),
                pick(over.lockTimeoutS, lockTimeoutS), pick(over.maxRetries, maxRetries));
    }

    /** Sets the profile (default balanced) and the explicit overrides on an export builder. */
    void applyTo(Export.Builder b) {
        b.profile(profile == null ? Profile.BALANCED : Profile.named(profile));
        if (batchSize != null) {
            b.batchRows(batchSize);
        }
        if (throttleMs != null) {
            b.throttle(Duration.ofMillis(throttleMs));
        }
        if (statementTimeoutS != null) {
            b.statementTimeout(Duration.ofSeconds(statementTimeoutS));
        }
        if (lockTimeoutS != null) {
            b.lockTimeout(Duration.ofSeconds(lockTimeoutS));
        }
        if (maxRetries != null) {
            b.maxRetries(maxRetries);
        }
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
