package io.rivet.core.internal.source;

import io.rivet.core.spi.Dialect;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.exception.SourceException;
import java.sql.SQLException;

/**
 * Turns driver errors into Rivet's exceptions: mistakes the operator must fix (missing table or column, bad
 * password, syntax, a write attempt) become configuration errors; everything else a {@link SourceException} whose
 * {@code retryable()} follows the dialect's classification.
 */
public final class SourceErrors {
    private SourceErrors() {
    }

    /**
     * Translates {@code e}, raised while doing {@code what} (e.g. {@code reading chunk 3 of 10}) for
     * {@code exportName} on {@code target} (the table or "the query").
     */
    public static RivetException translate(String exportName, String what, String target, SQLException e,
            Dialect dialect) {
        // A pool timeout wraps the driver's real reason (refused, unknown role...) as its cause: report that one.
        if (e.getCause() instanceof SQLException cause && cause.getMessage() != null) {
            e = cause;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        String head = "Export \"" + exportName + "\": " + what + " failed: " + firstLine(e.getMessage())
                + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")") + ". ";
        if (state.equals("42P01") || code == 1146) {
            return new RivetConfigException(exportName, head + "The table " + target
                    + " does not exist for this user. Check the name and schema (schema.table), the database in the"
                    + " URL, and that the user can see it.", e);
        }
        if (state.equals("42703") || code == 1054) {
            return new RivetConfigException(exportName, head + "A column named in the export does not exist in "
                    + target + ". Check cursor_column, chunk_column, time_column and the query.", e);
        }
        if (state.startsWith("28") || code == 1045) {
            return new RivetConfigException(exportName, head
                    + "Authentication failed. Check the user and the password variable (password_env / url_env).", e);
        }
        if (state.equals("3D000") || code == 1049) {
            return new RivetConfigException(exportName, head + "The database in the URL does not exist.", e);
        }
        if (state.equals("42501") || code == 1142 || code == 1143) {
            return new RivetConfigException(exportName, head + "The user lacks a privilege; grant it SELECT on "
                    + target + ".", e);
        }
        if (state.equals("42601") || code == 1064) {
            return new RivetConfigException(exportName, head + "The query has a syntax error; run it in psql or"
                    + " the mysql client to see where.", e);
        }
        if (state.equals("25006") || code == 1792) {
            return new RivetConfigException(exportName, head + "Rivet reads in read-only transactions; the query"
                    + " tried to write (e.g. nextval() or a data-modifying CTE). Remove the write from the query.", e);
        }
        if (state.equals("0A000")) {
            return new RivetConfigException(exportName, head + "Rivet runs the query as a subquery of a read-only"
                    + " transaction; rewrite it as a plain SELECT (a data-modifying WITH, for one, is refused).", e);
        }
        boolean retryable = dialect != null && dialect.isRetryable(e);
        return new SourceException(exportName, head + (retryable
                ? "This looks transient; Rivet retried it as the profile allows. Run again (or with --resume for"
                        + " a chunked export) once the source is healthy."
                : "Check the source and the export's settings."), e, e.getSQLState(), code, retryable);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message.trim() : message.substring(0, nl).trim();
    }
}
