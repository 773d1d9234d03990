package io.rivet.exception;

import java.util.List;

/** An {@link io.rivet.Export} broke one or more rules; {@link #violations()} lists all of them, not just the first. */
public class InvalidExportException extends RivetConfigException {
    private static final long serialVersionUID = 1L;

    private final List<String> violations;

    /** Creates the exception for export {@code exportName} (may be null) with its violations. */
    public InvalidExportException(String exportName, List<String> violations) {
        super(exportName, message(exportName, violations), null);
        this.violations = List.copyOf(violations);
    }

    /** Every rule the export broke, each a sentence with its fix. */
    public List<String> violations() {
        return violations;
    }

    private static String message(String exportName, List<String> violations) {
        String head = "Invalid export" + (exportName == null ? "" : " \"" + exportName + "\"");
        if (violations.size() == 1) {
            return head + ": " + violations.get(0);
        }
        return head + " (" + violations.size() + " problems): " + String.join("; ", violations);
    }
}
