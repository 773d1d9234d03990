package io.rivet.exception;

/** An export needed more memory than its limit allows. */
public class ResourceLimitException extends RivetException {
    private static final long serialVersionUID = 1L;

    private final long limit;
    private final long requested;

    /** Creates the exception. */
    public ResourceLimitException(String exportName, String message, long limit, long requested, Throwable cause) {
        super(exportName, message, cause);
        this.limit = limit;
        this.requested = requested;
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }

    /** The bytes requested when the limit was hit. */
    public long requested() {
        return requested;
    }
}
