package io.rivet.state;

/** The outcome of a run. */
public enum RunStatus {
    /** Under way (or the process died during it). */
    RUNNING,
    /** Published. */
    SUCCEEDED,
    /** Nothing to export and {@code skipEmpty} was set: nothing written. */
    SKIPPED,
    /** Failed; a chunked run can be resumed. */
    FAILED,
    /** A failed chunked run that a later fresh run replaced; it will not be resumed. */
    ABANDONED
}
