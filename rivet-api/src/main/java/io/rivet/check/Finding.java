package io.rivet.check;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One thing a preflight check found.
 *
 * <p>Programs should branch on {@link #code()} (stable, lower snake case, e.g. {@code missing_index}); the message
 * and the fix are for people and may be reworded. Neither ever contains a password or a row value.
 *
 * @param severity how much it matters
 * @param code a stable identifier of the kind of finding, e.g. {@code missing_index}, {@code superuser},
 *     {@code connection_headroom}
 * @param message what was found, naming the export, table, column or setting
 * @param fix how to fix it (often the exact SQL or setting), or {@code null} when there is nothing to do
 */
public record Finding(Severity severity, String code, String message, String fix) {
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when the code is not lower snake case or the message is blank
     */
    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("a finding code must be lower snake case but was \"" + code + "\"");
        }
        if (message.isBlank()) {
            throw new IllegalArgumentException("a finding needs a message");
        }
        if (fix != null && fix.isBlank()) {
            fix = null;
        }
    }

    /** An INFO finding. */
    public static Finding info(String code, String message, String fix) {
        return new Finding(Severity.INFO, code, message, fix);
    }

    /** A WARN finding. */
    public static Finding warn(String code, String message, String fix) {
        return new Finding(Severity.WARN, code, message, fix);
    }

    /** A FAIL finding. */
    public static Finding fail(String code, String message, String fix) {
        return new Finding(Severity.FAIL, code, message, fix);
    }
}
