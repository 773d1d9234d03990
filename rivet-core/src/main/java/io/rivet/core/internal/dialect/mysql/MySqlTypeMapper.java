package io.rivet.core.internal.dialect.mysql;

import io.rivet.core.spi.ColumnType;

/**
 * Maps MySQL and MariaDB column types (as the wire describes them, {@link MySqlField}) to Rivet's logical types, or
 * {@code null} when a type has no faithful mapping (spatial types, MySQL 9's VECTOR). Stateless. The table is in
 * docs/design/007-mysql-dialect.md; the choices that are not one to one:
 *
 * <ul>
 *   <li>{@code tinyint(1)} (and {@code bool}, its alias) and {@code bit(1)} are BOOLEAN; any other value than 0 or 1
 *       in a {@code tinyint(1)} fails the read rather than being folded into true.</li>
 *   <li>{@code bigint unsigned} and {@code bit(64)} are DECIMAL(20,0): every value up to 2<sup>64</sup>-1 exactly, in a
 *       type every Parquet reader knows (an unsigned 64-bit logical type is mishandled by several).</li>
 *   <li>{@code decimal(p,s)} with p above 38 (MySQL allows 65) is STRING holding the exact text, as PostgreSQL's wide
 *       numerics are.</li>
 *   <li>{@code time} is INT64: signed microseconds. MySQL's TIME is an elapsed time from -838:59:59 to 838:59:59, which
 *       Parquet's TIME (a time of day, 0 to 24 h) cannot hold.</li>
 *   <li>MariaDB's {@code json} is an alias of {@code longtext} with a {@code json_valid} check; the dialect looks that
 *       check up and passes {@code mariaDbJson} for such columns, so they are JSON as MySQL's native type is.</li>
 * </ul>
 */
final class MySqlTypeMapper {

    /** The DECIMAL that holds every unsigned 64-bit value. */
    static final ColumnType UNSIGNED_64 = ColumnType.decimal(20, 0);

    private MySqlTypeMapper() {
    }

    /** The logical type of {@code f}, or {@code null} when it has no faithful mapping. */
    static ColumnType map(MySqlField f, boolean mariaDbJson) {
        return switch (f.typeId()) {
            case MySqlField.TINY -> f.length() == 1 ? ColumnType.BOOLEAN : ColumnType.INT16;
            case MySqlField.SHORT -> f.unsigned() ? ColumnType.INT32 : ColumnType.INT16;
            case MySqlField.INT24 -> ColumnType.INT32;
            case MySqlField.LONG -> f.unsigned() ? ColumnType.INT64 : ColumnType.INT32;
            case MySqlField.LONGLONG -> f.unsigned() ? UNSIGNED_64 : ColumnType.INT64;
            case MySqlField.FLOAT -> ColumnType.FLOAT32;
            case MySqlField.DOUBLE -> ColumnType.FLOAT64;
            case MySqlField.DECIMAL, MySqlField.NEWDECIMAL -> decimal(f.precision(), f.decimals());
            case MySqlField.YEAR -> ColumnType.INT16;
            case MySqlField.DATE, MySqlField.NEWDATE -> ColumnType.DATE;
            case MySqlField.DATETIME, MySqlField.DATETIME2 -> ColumnType.TIMESTAMP_MICROS;
            case MySqlField.TIMESTAMP, MySqlField.TIMESTAMP2 -> ColumnType.TIMESTAMP_MICROS_UTC;
            case MySqlField.TIME, MySqlField.TIME2 -> ColumnType.INT64;
            case MySqlField.BIT -> f.length() <= 1 ? ColumnType.BOOLEAN
                    : f.length() <= 63 ? ColumnType.INT64 : UNSIGNED_64;
            case MySqlField.JSON -> ColumnType.JSON;
            case MySqlField.NULL -> ColumnType.STRING;
            default -> {
                if (!f.isStringFamily()) {
                    yield null;
                }
                if (f.binaryCharset()) {
                    yield ColumnType.BINARY;
                }
                yield mariaDbJson ? ColumnType.JSON : ColumnType.STRING;
            }
        };
    }

    /** DECIMAL(p,s) when it fits 38 digits, STRING (exact text) otherwise. */
    static ColumnType decimal(int precision, int scale) {
        int p = Math.max(precision, 1);
        int s = Math.max(scale, 0);
        if (s > p) {
            p = s;
        }
        return p <= ColumnType.MAX_DECIMAL_PRECISION ? ColumnType.decimal(p, s) : ColumnType.STRING;
    }
}
