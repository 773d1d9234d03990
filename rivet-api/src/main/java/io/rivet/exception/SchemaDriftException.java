package io.rivet.exception;

/** The export's schema changed since the last accepted run and the export is set to fail on drift. The CLI exits 4. */
public class SchemaDriftException extends RivetException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public SchemaDriftException(String exportName, String message) {
        super(exportName, message, null);
    }
}
