package io.rivet.core.internal.pipeline;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with jitter: {@code base × 2^(attempt-1)}, at most 60 s, times a factor in [0.5, 1). */
final class Backoff {
    static final Duration CAP = Duration.ofSeconds(60);

    private Backoff() {
    }

    static Duration delay(Duration base, int attempt) {
        long ms = base.toMillis();
        for (int i = 1; i < attempt && ms < CAP.toMillis(); i++) {
            ms *= 2;
        }
        ms = Math.min(ms, CAP.toMillis());
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis((long) (ms * jitter));
    }
}
