package io.rivet.state;

/** The state of one chunk in a chunk run. */
public enum ChunkStatus {
    /** Not started. */
    PENDING,
    /** Being read; after a crash, treated as pending. */
    RUNNING,
    /** Its files are published and in the ledger. */
    DONE,
    /** Failed; resume tries it again. */
    FAILED
}
