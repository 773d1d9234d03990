package io.rivet.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads exported files back with DuckDB, an independent reader: tests never trust Rivet's own writer to check its
 * output. Also parses the manifest's file list.
 */
public final class DuckDb implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("\"key\": \"([^\"]+)\"");

    private final Connection connection;

    /** Opens an in-memory DuckDB. */
    public DuckDb() {
        try {
            this.connection = DriverManager.getConnection("jdbc:duckdb:");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB", e);
        }
    }

    /** Runs a query and returns every row as a list of values rendered with {@code String.valueOf}. */
    public List<List<String>> rows(String sql) {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return collect(rs);
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query returning one number. */
    public long scalar(String sql) {
        List<List<String>> rows = rows(sql);
        return Long.parseLong(rows.get(0).get(0));
    }

    /** Renders every row of a JDBC result set the same way {@link #rows(String)} does. */
    public static List<List<String>> collect(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<List<String>> out = new ArrayList<>();
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                row.add(v == null ? null : String.valueOf(v));
            }
            out.add(row);
        }
        return out;
    }

    /** The file keys listed in a manifest. */
    public static List<String> manifestKeys(Path manifest) {
        try {
            Matcher m = KEY.matcher(Files.readString(manifest));
            List<String> keys = new ArrayList<>();
            while (m.find()) {
                keys.add(m.group(1));
            }
            return keys;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every regular file below {@code dir}, relative and '/'-separated, sorted. */
    public static List<String> filesUnder(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing to do
        }
    }
}
