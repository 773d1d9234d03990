package io.rivet.exception;

/** Writing to or publishing in a sink failed. A failed object is never left visible. */
public class SinkException extends RivetException {
    private static final long serialVersionUID = 1L;

    private final String location;
    private final String objectKey;
    private final boolean retryable;

    /** Creates the exception. */
    public SinkException(String exportName, String location, String objectKey, String message, Throwable cause,
            boolean retryable) {
        super(exportName, message, cause);
        this.location = location;
        this.objectKey = objectKey;
        this.retryable = retryable;
    }

    /** The sink's location, e.g. {@code file:///data/out/} or {@code s3://bucket/prefix/}. */
    public String location() {
        return location;
    }

    /** The key of the object being written, or {@code null}. */
    public String objectKey() {
        return objectKey;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }
}
