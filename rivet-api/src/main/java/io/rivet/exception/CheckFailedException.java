package io.rivet.exception;

/**
 * A data-integrity check failed: a quality gate, output validation, or source reconciliation. Nothing was published
 * for a failing quality gate; the CLI exits 3.
 */
public class CheckFailedException extends RivetException {
    private static final long serialVersionUID = 1L;

    private final String check;
    private final String expected;
    private final String observed;

    /** Creates the exception. */
    public CheckFailedException(String exportName, String check, String expected, String observed, String message) {
        super(exportName, message, null);
        this.check = check;
        this.expected = expected;
        this.observed = observed;
    }

    /** The check's name, e.g. {@code row_count_min} or {@code validate}. */
    public String check() {
        return check;
    }

    /** What the check required. */
    public String expected() {
        return expected;
    }

    /** What was observed. */
    public String observed() {
        return observed;
    }
}
