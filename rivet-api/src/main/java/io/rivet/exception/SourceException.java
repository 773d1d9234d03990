package io.rivet.exception;

/** The source database failed: connection, query, timeout. Keeps the {@link java.sql.SQLException} as the cause. */
public class SourceException extends RivetException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;
    private final int vendorCode;
    private final boolean retryable;

    /** Creates the exception. */
    public SourceException(String exportName, String message, Throwable cause, String sqlState, int vendorCode,
            boolean retryable) {
        super(exportName, message, cause);
        this.sqlState = sqlState;
        this.vendorCode = vendorCode;
        this.retryable = retryable;
    }

    /** The SQLSTATE reported by the driver, or {@code null}. */
    public String sqlState() {
        return sqlState;
    }

    /** The vendor error code reported by the driver (0 when none). */
    public int vendorCode() {
        return vendorCode;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }
}
