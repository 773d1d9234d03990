package io.rivet.exception;

/** A static or environment configuration error: bad settings, missing table or column, missing variable. Never retryable. */
public class RivetConfigException extends RivetException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public RivetConfigException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public RivetConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the exception about an export. */
    public RivetConfigException(String exportName, String message, Throwable cause) {
        super(exportName, message, cause);
    }
}
