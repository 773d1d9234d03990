package io.rivet.check;

/** How much a {@link Finding} matters, from least to most. */
public enum Severity {
    /** A fact worth knowing (the source is a replica, the timeouts in effect); nothing to fix. */
    INFO,
    /** The export will run, but something should be fixed first (a missing index, a superuser connection). */
    WARN,
    /** The export will fail or must not run as configured (the table is missing, too few connections are left). */
    FAIL
}
