package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.spi.ColumnType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Maps PostgreSQL types (as pgjdbc names them, with the precision and scale pgjdbc decodes from the type modifier) to
 * Rivet's logical types, or {@code null} when a type has no faithful mapping. Stateless.
 *
 * <p>Numeric policy: {@code numeric(p,s)} that fits 38 digits becomes a DECIMAL; wider, unconstrained or
 * expression-typed numerics (which carry no modifier) become STRING holding PostgreSQL's exact decimal text, never a
 * double. A negative scale ({@code numeric(5,-2)}, PostgreSQL 15) becomes {@code decimal(p-s, 0)} and a scale above
 * the precision ({@code numeric(3,5)}) becomes {@code decimal(s, s)}: both hold every value exactly.
 */
final class PostgresTypeMapper {

    private static final Map<String, ColumnType> SCALARS = Map.ofEntries(
            Map.entry("int2", ColumnType.INT16),
            Map.entry("int4", ColumnType.INT32),
            Map.entry("int8", ColumnType.INT64),
            Map.entry("oid", ColumnType.INT64),
            Map.entry("float4", ColumnType.FLOAT32),
            Map.entry("float8", ColumnType.FLOAT64),
            Map.entry("bool", ColumnType.BOOLEAN),
            Map.entry("text", ColumnType.STRING),
            Map.entry("varchar", ColumnType.STRING),
            Map.entry("bpchar", ColumnType.STRING),
            Map.entry("name", ColumnType.STRING),
            Map.entry("\"char\"", ColumnType.STRING),
            Map.entry("citext", ColumnType.STRING),
            Map.entry("date", ColumnType.DATE),
            Map.entry("time", ColumnType.TIME_MICROS),
            Map.entry("timestamp", ColumnType.TIMESTAMP_MICROS),
            Map.entry("timestamptz", ColumnType.TIMESTAMP_MICROS_UTC),
            Map.entry("bytea", ColumnType.BINARY),
            Map.entry("uuid", ColumnType.UUID),
            Map.entry("json", ColumnType.JSON),
            Map.entry("jsonb", ColumnType.JSON));

    /** The mapping of user-defined types is looked up once per describe; pg_type answers from the catalog cache. */
    private static final String LOOKUP = "SELECT t.typtype, t.typname, t.typcategory, e.typtype, e.typname"
            + " FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'"
            + " WHERE t.oid = pg_catalog.to_regtype(?)";

    private PostgresTypeMapper() {
    }

    /**
     * The logical type of a column, or {@code null} when it has no faithful mapping.
     *
     * @param typeName the type as pgjdbc names it: {@code int4}, {@code _text}, {@code "sales"."mood"}
     * @param precision pgjdbc's precision (numeric: declared precision, 0 when unconstrained)
     * @param scale pgjdbc's scale (numeric: the low 16 bits of the modifier)
     * @param connection used to look up types that are not built in (enums, extension types)
     */
    static ColumnType map(String typeName, int precision, int scale, Connection connection) throws SQLException {
        ColumnType builtIn = scalar(typeName, precision, scale);
        if (builtIn != null) {
            return builtIn;
        }
        if (typeName.startsWith("_")) {
            ColumnType element = scalar(typeName.substring(1), precision, scale);
            if (element != null) {
                return ColumnType.list(element);
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(LOOKUP)) {
            ps.setString(1, typeName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String typtype = rs.getString(1);
                String typname = rs.getString(2);
                String category = rs.getString(3);
                if ("A".equals(category)) {
                    String elemType = rs.getString(4);
                    ColumnType element = "e".equals(elemType) ? ColumnType.STRING
                            : elemType == null ? null : scalar(rs.getString(5), precision, scale);
                    return element == null ? null : ColumnType.list(element);
                }
                if ("e".equals(typtype)) {
                    return ColumnType.STRING;
                }
                return scalar(typname, precision, scale);
            }
        }
    }

    /** Built-in scalar types by name; numeric by its modifier. */
    static ColumnType scalar(String typeName, int precision, int scale) {
        if (typeName.equals("numeric")) {
            return numeric(precision, scale);
        }
        return SCALARS.get(typeName);
    }

    /** DECIMAL when the declared precision and scale fit 38 digits exactly, STRING (exact text) otherwise. */
    static ColumnType numeric(int precision, int rawScale) {
        if (precision <= 0) {
            return ColumnType.STRING;
        }
        // pgjdbc masks the modifier's scale with 0xFFFF; PostgreSQL 15 stores it as an 11-bit signed number.
        int scale = ((rawScale & 0x7ff) ^ 0x400) - 0x400;
        int p = precision;
        int s = scale;
        if (s < 0) {
            p = precision - s;
            s = 0;
        } else if (s > p) {
            p = s;
        }
        return p <= ColumnType.MAX_DECIMAL_PRECISION ? ColumnType.decimal(p, s) : ColumnType.STRING;
    }
}
