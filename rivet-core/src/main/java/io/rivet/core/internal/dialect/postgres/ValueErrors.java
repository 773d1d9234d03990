package io.rivet.core.internal.dialect.postgres;

import java.sql.SQLDataException;

/**
 * The data errors both read paths (cursor text and COPY binary) raise, worded once so that the two paths fail the
 * same way on the same value. Each is an {@link SQLDataException} (SQLSTATE class 22, permanent) naming the column and
 * its PostgreSQL type, never the value.
 */
final class ValueErrors {

    private ValueErrors() {
    }

    static SQLDataException unreadable(String column, String sourceType, RuntimeException cause) {
        SQLDataException e = new SQLDataException("Column \"" + column + "\" (PostgreSQL type " + sourceType
                + "): a value could not be read (" + cause.getMessage() + "). Cast the column to text in the query"
                + " to export it as a string.", "22000");
        e.initCause(cause);
        return e;
    }

    static SQLDataException infinite(String column, String sourceType) {
        return new SQLDataException("Column \"" + column + "\" (PostgreSQL type " + sourceType + ") holds infinity or"
                + " -infinity, which Rivet cannot write as a date or timestamp. Exclude those rows, map them in the"
                + " query (e.g. CASE WHEN isfinite(" + column + ") THEN " + column + " END), or cast the column to"
                + " text.", "22008");
    }

    static SQLDataException notFiniteDecimal(String column, String sourceType) {
        return new SQLDataException("Column \"" + column + "\" (PostgreSQL type " + sourceType + ") holds NaN"
                + " or Infinity, which a decimal cannot hold. Cast the column to text or to double precision"
                + " in the query.", "22003");
    }

    static SQLDataException decimalTooWide(String column, String sourceType, int precision, int scale) {
        return new SQLDataException("Column \"" + column + "\" (PostgreSQL type " + sourceType + ") holds a value"
                + " that does not fit decimal(" + precision + "," + scale + ") without rounding. Cast it in the"
                + " query to a numeric(p,s) wide enough, or to text.", "22003");
    }

    static SQLDataException multiDimensional(String column, String sourceType) {
        return new SQLDataException("Column \"" + column + "\" (PostgreSQL type " + sourceType + ") holds a"
                + " multi-dimensional array; Rivet writes only one-dimensional arrays as lists. Flatten it in the"
                + " query or cast it to text.", "2202E");
    }
}
