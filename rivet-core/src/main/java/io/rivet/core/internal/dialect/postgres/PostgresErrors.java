package io.rivet.core.internal.dialect.postgres;

import java.sql.SQLException;

/**
 * Classifies PostgreSQL failures by SQLSTATE as transient (the same work may succeed on a new attempt) or permanent.
 *
 * <ul>
 *   <li>retryable: class 08 (connection), 40001 (serialization failure), 40P01 (deadlock), 55P03 (lock not
 *       available: our lock_timeout), 57P01/57P02/57P03 (admin shutdown, crash shutdown, cannot connect now) and
 *       class 53 (insufficient resources, including 53300 too many connections);</li>
 *   <li>permanent: 57014 (query canceled, which is how statement_timeout fails: the same statement on the same data
 *       would time out again), class 28 (authentication), 42 (syntax, undefined object, permission), 22 (data), 25
 *       (transaction state, e.g. 25006 read-only) and every state not listed, including none.</li>
 * </ul>
 * Stateless.
 */
final class PostgresErrors {

    private PostgresErrors() {
    }

    /** Whether {@code error} (or the first SQLException in its cause chain that carries a state) is transient. */
    static boolean isRetryable(SQLException error) {
        return isRetryableState(sqlState(error));
    }

    /** Whether the SQLSTATE names a transient failure; {@code null} (unknown) is permanent. */
    static boolean isRetryableState(String state) {
        if (state == null || state.length() != 5) {
            return false;
        }
        return switch (state.substring(0, 2)) {
            case "08", "53" -> true;
            case "40" -> state.equals("40001") || state.equals("40P01");
            case "55" -> state.equals("55P03");
            case "57" -> state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
            default -> false;
        };
    }

    private static String sqlState(SQLException error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null) {
                return e.getSQLState();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
