package io.rivet.core.spi;

import io.rivet.Incubating;
import java.time.Duration;

/**
 * What a dialect sets on each worker's transaction.
 *
 * @param statementTimeout the per-statement limit; zero means none
 * @param lockTimeout the lock wait limit; zero means none
 */
@Incubating(since = "0.1")
public record SessionSettings(Duration statementTimeout, Duration lockTimeout) {
}
