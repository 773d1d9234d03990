package io.rivet.exception;

/** A source column has a type Rivet cannot write faithfully. Raised before anything is written. */
public class ColumnMappingException extends RivetConfigException {
    private static final long serialVersionUID = 1L;

    private final String column;
    private final String sourceTypeName;

    /** Creates the exception. */
    public ColumnMappingException(String exportName, String column, String sourceTypeName, String message) {
        super(exportName, message, null);
        this.column = column;
        this.sourceTypeName = sourceTypeName;
    }

    /** The offending column. */
    public String column() {
        return column;
    }

    /** The source's name for its type, e.g. {@code geometry}. */
    public String sourceTypeName() {
        return sourceTypeName;
    }
}
