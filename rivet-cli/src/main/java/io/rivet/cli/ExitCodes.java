package io.rivet.cli;

import io.rivet.exception.CheckFailedException;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.exception.SchemaDriftException;

/**
 * The process exit codes of {@code rivet}, shared with the Rust tool so that schedulers keep their alerting rules.
 * Stateless.
 */
public final class ExitCodes {
    /** Everything succeeded. */
    public static final int OK = 0;
    /** Configuration, usage, or a failure that running again will not fix. */
    public static final int CONFIG = 1;
    /** A transient failure: running again unchanged may succeed. */
    public static final int RETRYABLE = 2;
    /** A data-integrity check failed (quality gate, validation, reconciliation). */
    public static final int INTEGRITY = 3;
    /** The source schema drifted and the export is set to fail on drift. */
    public static final int SCHEMA_DRIFT = 4;

    private ExitCodes() {
    }

    /** The exit code for a failure: by type first, then {@link RivetException#retryable()}. */
    public static int of(Throwable failure) {
        if (failure instanceof CheckFailedException) {
            return INTEGRITY;
        }
        if (failure instanceof SchemaDriftException) {
            return SCHEMA_DRIFT;
        }
        if (failure instanceof RivetConfigException) {
            return CONFIG;
        }
        if (failure instanceof RivetException r && r.retryable()) {
            return RETRYABLE;
        }
        return CONFIG;
    }

    /**
     * The more severe of two exit codes, for a run of several exports: integrity (3) over schema drift (4) over a
     * permanent failure (1) over a retryable one (2) over success. A permanent failure outranks a retryable one
     * because a scheduler that retries on 2 would repeat the permanent failure to no end.
     */
    public static int mostSevere(int a, int b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(int code) {
        return switch (code) {
            case OK -> 0;
            case RETRYABLE -> 1;
            case CONFIG -> 2;
            case SCHEMA_DRIFT -> 3;
            case INTEGRITY -> 4;
            default -> 2;
        };
    }
}
