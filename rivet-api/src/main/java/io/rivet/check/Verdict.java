package io.rivet.check;

import java.util.List;

/** The outcome of a preflight check, derived from the most severe {@link Finding}. */
public enum Verdict {
    /** No warnings and no failures. */
    READY,
    /** At least one {@link Severity#WARN} finding and no failures: the export can run; read the warnings first. */
    READY_WITH_WARNINGS,
    /** At least one {@link Severity#FAIL} finding: fix the configuration or the source before running. */
    NOT_READY;

    /** The verdict for {@code findings}: NOT_READY with any FAIL, else READY_WITH_WARNINGS with any WARN, else READY. */
    public static Verdict of(List<Finding> findings) {
        Verdict v = READY;
        for (Finding f : findings) {
            if (f.severity() == Severity.FAIL) {
                return NOT_READY;
            }
            if (f.severity() == Severity.WARN) {
                v = READY_WITH_WARNINGS;
            }
        }
        return v;
    }
}
