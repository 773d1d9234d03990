package io.rivet.core.internal.check;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.function.BiConsumer;

/**
 * Runs one probe inside a savepoint of the check's read-only transaction, so that a probe the user may not run (a
 * system view it cannot read) is rolled back and reported as not checked instead of aborting the transaction and the
 * rest of the check. A failure of the savepoint itself (the connection broke) is rethrown. Confined to one check.
 */
public final class Probes {
    /** A probe: one or a few statements on the check's connection. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws SQLException;
    }

    private final Connection connection;
    private final BiConsumer<String, String> skipped;

    /**
     * @param connection the check's connection, inside its snapshot
     * @param skipped receives {@code (what, why)} for every probe that failed
     */
    Probes(Connection connection, BiConsumer<String, String> skipped) {
        this.connection = connection;
        this.skipped = skipped;
    }

    /** Runs {@code call}; returns its result, or {@code null} after reporting {@code what} as not checked. */
    <T> T run(String what, Call<T> call) throws SQLException {
        try {
            return runOrThrow(call);
        } catch (SQLException e) {
            skipped.accept(what, describe(e));
            return null;
        }
    }

    /** Runs {@code call}, rolling back to a savepoint and rethrowing when it fails. */
    <T> T runOrThrow(Call<T> call) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        T result;
        try {
            result = call.run();
        } catch (SQLException | RuntimeException e) {
            connection.rollback(savepoint);
            throw e;
        }
        connection.releaseSavepoint(savepoint);
        return result;
    }

    /**
     * The first line of the driver's message and the SQLSTATE; never a URL or a value. Inspectors use it too, to say
     * why a part of a fact could not be read.
     */
    public static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        message = (nl < 0 ? message : message.substring(0, nl)).trim();
        // pgjdbc prefixes the server's severity ("ERROR: "), which says nothing here.
        if (message.startsWith("ERROR: ")) {
            message = message.substring("ERROR: ".length());
        }
        return message + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
    }
}
