package io.rivet.core.internal.dialect.mysql;

import com.mysql.cj.jdbc.result.ResultSetInternalMethods;
import com.mysql.cj.result.Field;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What the wire says about one result column: the protocol type code, length, decimals, flags and character set, as
 * Connector/J decoded them from the column definition packet. Read from Connector/J's {@link Field} rather than from
 * {@link ResultSetMetaData} because the JDBC view depends on driver settings ({@code tinyInt1isBit} turns
 * {@code tinyint(1)} into BIT) and hides the character set. Immutable.
 *
 * @param label the column label (alias)
 * @param typeId the protocol type code ({@code MYSQL_TYPE_*})
 * @param driverTypeName Connector/J's name for the type, e.g. {@code LONGTEXT}, {@code BLOB}, {@code INT UNSIGNED}
 * @param length the column length (display width, bytes, or bits for BIT)
 * @param precision the JDBC precision (for decimals: the declared digits)
 * @param decimals the decimals (decimal scale, fractional-second digits)
 * @param unsigned whether the UNSIGNED flag is set
 * @param binaryCharset whether the column's character set is {@code binary} (collation 63)
 * @param flags the column flags (ENUM 256, SET 2048, ...)
 * @param encoding the Java charset the server sends the column's text in (character_set_results is NULL)
 * @param schema the original schema, or null for an expression
 * @param originalTable the original table, or null
 * @param originalColumn the original column, or null
 */
record MySqlField(String label, int typeId, String driverTypeName, long length, int precision, int decimals,
        boolean unsigned, boolean binaryCharset, int flags, String encoding, String schema, String originalTable,
        String originalColumn) {

    static final int DECIMAL = 0;
    static final int TINY = 1;
    static final int SHORT = 2;
    static final int LONG = 3;
    static final int FLOAT = 4;
    static final int DOUBLE = 5;
    static final int NULL = 6;
    static final int TIMESTAMP = 7;
    static final int LONGLONG = 8;
    static final int INT24 = 9;
    static final int DATE = 10;
    static final int TIME = 11;
    static final int DATETIME = 12;
    static final int YEAR = 13;
    static final int NEWDATE = 14;
    static final int VARCHAR = 15;
    static final int BIT = 16;
    static final int TIMESTAMP2 = 17;
    static final int DATETIME2 = 18;
    static final int TIME2 = 19;
    static final int JSON = 245;
    static final int NEWDECIMAL = 246;
    static final int ENUM = 247;
    static final int SET = 248;
    static final int TINY_BLOB = 249;
    static final int MEDIUM_BLOB = 250;
    static final int LONG_BLOB = 251;
    static final int BLOB = 252;
    static final int VAR_STRING = 253;
    static final int STRING = 254;
    static final int GEOMETRY = 255;

    static final int ENUM_FLAG = 256;
    static final int SET_FLAG = 2048;
    /** The collation index of the {@code binary} character set. */
    static final int BINARY_COLLATION = 63;

    /** The fields of a Connector/J result set, in column order. */
    static MySqlField[] of(ResultSet rs) throws SQLException {
        Field[] fields = rs.unwrap(ResultSetInternalMethods.class).getColumnDefinition().getFields();
        ResultSetMetaData md = rs.getMetaData();
        MySqlField[] out = new MySqlField[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            out[i] = new MySqlField(md.getColumnLabel(i + 1), f.getMysqlTypeId(), f.getMysqlType().getName(),
                    f.getLength(), md.getPrecision(i + 1), f.getDecimals(), f.isUnsigned(),
                    f.getCollationIndex() == BINARY_COLLATION, f.getFlags() & 0xffff, f.getEncoding(),
                    emptyToNull(f.getDatabaseName()), emptyToNull(f.getOriginalTableName()),
                    emptyToNull(f.getOriginalName()));
        }
        return out;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Whether values arrive as text that must be re-encoded to reach UTF-8 (a latin1 or utf16 column, say). */
    boolean needsTranscoding() {
        if (binaryCharset || encoding == null) {
            return false;
        }
        String e = encoding.toUpperCase(Locale.ROOT);
        return !(e.equals("UTF-8") || e.equals("UTF8") || e.equals("US-ASCII") || e.equals("ASCII"));
    }

    /** Whether this is one of the string or blob types (the character set decides text or bytes). */
    boolean isStringFamily() {
        return switch (typeId) {
            case VARCHAR, VAR_STRING, STRING, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB, BLOB, ENUM, SET -> true;
            default -> false;
        };
    }

    /** A readable source type for messages and the manifest: {@code bigint unsigned}, {@code datetime(6)}, ... */
    String sourceTypeName() {
        String u = unsigned ? " unsigned" : "";
        return switch (typeId) {
            case TINY -> length == 1 ? "tinyint(1)" + u : "tinyint" + u;
            case SHORT -> "smallint" + u;
            case INT24 -> "mediumint" + u;
            case LONG -> "int" + u;
            case LONGLONG -> "bigint" + u;
            case FLOAT -> "float" + u;
            case DOUBLE -> "double" + u;
            case DECIMAL, NEWDECIMAL -> "decimal(" + precision + "," + decimals + ")" + u;
            case DATE, NEWDATE -> "date";
            case TIME, TIME2 -> decimals > 0 ? "time(" + decimals + ")" : "time";
            case DATETIME, DATETIME2 -> decimals > 0 ? "datetime(" + decimals + ")" : "datetime";
            case TIMESTAMP, TIMESTAMP2 -> decimals > 0 ? "timestamp(" + decimals + ")" : "timestamp";
            case YEAR -> "year";
            case BIT -> "bit(" + length + ")";
            case JSON -> "json";
            case GEOMETRY -> "geometry";
            case NULL -> "null";
            default -> {
                if ((flags & ENUM_FLAG) != 0 || typeId == ENUM) {
                    yield "enum";
                }
                if ((flags & SET_FLAG) != 0 || typeId == SET) {
                    yield "set";
                }
                yield driverTypeName.toLowerCase(Locale.ROOT);
            }
        };
    }
}
