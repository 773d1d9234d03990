package io.rivet.core.internal.dialect.mysql;

import com.mysql.cj.exceptions.CJCommunicationsException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Classifies MySQL and MariaDB failures as transient (the same work may succeed on a new attempt) or permanent, by the
 * server's error code first and the SQLSTATE second.
 *
 * <ul>
 *   <li>retryable: 1205 (lock wait timeout: row locks and, with {@code lock_wait_timeout}, metadata locks), 1213
 *       (deadlock), 3572 (NOWAIT lock), 1040 and 1203 (too many connections), 1037, 1038 and 1041 (out of memory),
 *       1053 (server shutdown), 1927 (MariaDB: connection killed), 1152 and 1158 to 1161 (network errors), the
 *       client-side 2002, 2003, 2006, 2013 and 2055 (cannot connect, server gone, lost connection), every
 *       SQLSTATE of class 08 (Connector/J's communication failures) and 40001, and any failure caused by
 *       Connector/J's {@link CJCommunicationsException} whatever its SQLSTATE (closing a result set on a connection
 *       the server has just killed reports it as S1000);</li>
 *   <li>permanent: 3024 (MySQL {@code max_execution_time} exceeded) and 1969 (MariaDB {@code max_statement_time}
 *       exceeded), because the same statement on the same data would time out again, as PostgreSQL's 57014 is; 1317
 *       (query interrupted); access, syntax, missing objects and data errors; and anything else, including no
 *       code.</li>
 * </ul>
 * Stateless.
 */
final class MySqlErrors {
    private static final Set<Integer> RETRYABLE = Set.of(1205, 1213, 3572, 1040, 1203, 1037, 1038, 1041, 1053, 1927,
            1152, 1158, 1159, 1160, 1161, 2002, 2003, 2006, 2013, 2055);
    private static final Set<Integer> PERMANENT = Set.of(3024, 1969, 1317);

    private MySqlErrors() {
    }

    /**
     * Whether {@code error} is transient: a lost connection anywhere in its cause chain, else by the first SQLException
     * in the chain with a code or state.
     */
    static boolean isRetryable(SQLException error) {
        SQLException coded = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CJCommunicationsException) {
                return true;
            }
            if (coded == null && t instanceof SQLException e && (e.getErrorCode() != 0 || e.getSQLState() != null)) {
                coded = e;
            }
        }
        return coded != null && isRetryable(coded.getErrorCode(), coded.getSQLState());
    }

    /** Whether the server error code (0 when none) and SQLSTATE name a transient failure. */
    static boolean isRetryable(int code, String state) {
        if (PERMANENT.contains(code)) {
            return false;
        }
        if (RETRYABLE.contains(code)) {
            return true;
        }
        return state != null && (state.startsWith("08") || state.equals("40001"));
    }
}
