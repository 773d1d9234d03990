package io.rivet.exception;

/**
 * The root of Rivet's unchecked exceptions. Every message says what failed, where (export, table, column, chunk, file),
 * why, and how to fix it; messages never contain passwords or row values. Branch on the type and accessors, never on
 * the text.
 */
public class RivetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String exportName;

    /** Creates an exception with a message. */
    public RivetException(String message) {
        this(null, message, null);
    }

    /** Creates an exception with a message and a cause. */
    public RivetException(String message, Throwable cause) {
        this(null, message, cause);
    }

    /** Creates an exception about export {@code exportName} (may be null) with a message and a cause (may be null). */
    public RivetException(String exportName, String message, Throwable cause) {
        super(message, cause);
        this.exportName = exportName;
    }

    /** The export the failure belongs to, or {@code null} when it is not about one export. */
    public String exportName() {
        return exportName;
    }

    /** Whether running the same export again may succeed without a change (a transient failure). */
    public boolean retryable() {
        return false;
    }
}
