package io.rivet.core.internal.format;

import io.rivet.core.spi.Column;
import io.rivet.core.spi.ColumnType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/**
 * Reads files back with DuckDB (the independent reader) and turns values, expected and read, into comparable canonical
 * Java values: integers as Long, FLOAT32 as Float, FLOAT64 as Double (so NaN equals NaN and -0.0 differs from 0.0),
 * decimals as BigDecimal with the column's scale, uuids and dates as text, binary as lowercase hex, times and timestamps
 * as microseconds, lists as java.util.List of canonical elements.
 */
public final class DuckDbReader implements AutoCloseable {

    private final Connection connection;

    /** Opens an in-memory DuckDB. */
    public DuckDbReader() throws SQLException {
        this.connection = DriverManager.getConnection("jdbc:duckdb:");
    }

    /** The canonical form of the test rows. */
    public static List<List<Object>> canonical(List<Column> columns, List<Object[]> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (Object[] row : rows) {
            List<Object> r = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                r.add(canonical(columns.get(c).type(), row[c]));
            }
            out.add(r);
        }
        return out;
    }

    private static Object canonical(ColumnType type, Object v) {
        if (v == null) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN, FLOAT32, FLOAT64, STRING, JSON -> v;
            case INT16, INT32, INT64 -> ((Number) v).longValue();
            case DECIMAL -> ((BigDecimal) v).setScale(type.scale());
            case UUID -> v.toString();
            case BINARY -> HexFormat.of().formatHex((byte[]) v);
            case DATE -> v.toString();
            case TIME_MICROS -> ((LocalTime) v).toNanoOfDay() / 1000;
            case TIMESTAMP_MICROS -> TestBatches.micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC));
            case TIMESTAMP_MICROS_UTC -> TestBatches.micros((Instant) v);
            case LIST -> {
                List<Object> l = new ArrayList<>();
                for (Object e : (List<?>) v) {
                    l.add(canonical(type.element(), e));
                }
                yield l;
            }
        };
    }

    /**
     * Reads all rows of {@code from} (a table function call such as {@code read_parquet('f')}) in file order, with
     * {@code listSource} turning a list column's name into a SQL LIST expression.
     */
    public List<List<Object>> read(List<Column> columns, String from, ListSource listSource) throws SQLException {
        StringJoiner select = new StringJoiner(", ");
        for (Column c : columns) {
            select.add(expression(c, listSource));
        }
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + select + " FROM " + from)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.add(value(columns.get(i).type(), rs, i + 1));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** How a list column is turned into a SQL LIST. */
    public interface ListSource {
        /** A SQL expression of type LIST for the quoted column {@code quoted} of {@code type}. */
        String list(String quoted, ColumnType type);
    }

    private static String expression(Column c, ListSource listSource) {
        String q = '"' + c.name() + '"';
        return switch (c.type().kind()) {
            case UUID, DATE -> "CAST(" + q + " AS VARCHAR)";
            case BINARY -> "lower(hex(" + q + "))";
            case TIME_MICROS, TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC -> "epoch_us(" + q + ")";
            case LIST -> listSource.list(q, c.type());
            default -> q;
        };
    }

    private static Object value(ColumnType type, ResultSet rs, int i) throws SQLException {
        Object v = switch (type.kind()) {
            case BOOLEAN -> rs.getBoolean(i);
            case INT16, INT32, INT64, TIME_MICROS, TIMESTAMP_MICROS, TIMESTAMP_MICROS_UTC -> rs.getLong(i);
            case FLOAT32 -> rs.getFloat(i);
            case FLOAT64 -> rs.getDouble(i);
            case DECIMAL -> rs.getBigDecimal(i);
            case STRING, JSON, UUID, BINARY, DATE -> rs.getString(i);
            case LIST -> {
                Array a = rs.getArray(i);
                if (a == null) {
                    yield null;
                }
                List<Object> l = new ArrayList<>();
                for (Object e : (Object[]) a.getArray()) {
                    l.add(element(type.element(), e));
                }
                yield l;
            }
        };
        return rs.wasNull() ? null : v;
    }

    private static Object element(ColumnType type, Object e) {
        if (e == null) {
            return null;
        }
        return switch (type.kind()) {
            case INT16, INT32, INT64 -> ((Number) e).longValue();
            case STRING -> e.toString();
            default -> throw new IllegalArgumentException("test reader has no list<" + type + ">");
        };
    }

    /** Runs {@code sql} and returns the first column of every row as text. */
    public List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Runs {@code sql} and returns its single long value. */
    public long scalar(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql);
            }
            return rs.getLong(1);
        }
    }

    /** A SQL string literal of {@code path}. */
    public static String literal(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
