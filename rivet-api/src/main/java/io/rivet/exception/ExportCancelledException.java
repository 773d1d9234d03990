package io.rivet.exception;

/** The export was cancelled by the caller or its thread was interrupted (the interrupt flag is restored). */
public class ExportCancelledException extends RivetException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public ExportCancelledException(String exportName, String message, Throwable cause) {
        super(exportName, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
