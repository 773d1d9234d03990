package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.internal.util.JsonParser;
import io.rivet.core.spi.SourceInspector;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PostgreSQL probes behind {@code rivet check} and {@code rivet init} (docs/design/009-check-and-init.md). Reads
 * only the catalog, {@code pg_settings}, {@code pg_stat_activity} and {@code EXPLAIN}; never runs the export's query.
 * Stateless and thread-safe.
 *
 * <p>Visibility: every user can read {@code pg_settings}, {@code pg_roles}, {@code pg_class} and the rows of
 * {@code pg_stat_activity}, but without {@code pg_read_all_stats} the details of other users' sessions (their backend
 * type, state and transaction start) are hidden. Such sessions are counted as client sessions when they name a
 * database and a user, and reported as hidden, rather than guessed at.
 */
final class PostgresInspector implements SourceInspector {
    static final PostgresInspector INSTANCE = new PostgresInspector();
    /** Quotes names exactly as the exports do, so {@code to_regclass} resolves the same relation they read. */
    private static final PostgresDialect SQL = new PostgresDialect();

    /** The settings read from {@code pg_settings.reset_val}: the value a new session of this user starts with. */
    private static final List<String> SETTINGS = List.of("statement_timeout", "lock_timeout",
            "idle_in_transaction_session_timeout", "hot_standby_feedback", "max_standby_streaming_delay",
            "max_connections", "superuser_reserved_connections", "default_transaction_read_only");

    private PostgresInspector() {
    }

    @Override
    public Server server(Connection c) throws SQLException {
        String version;
        String database;
        String user;
        boolean replica;
        Duration lag = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('server_version'), current_database(), current_user, pg_is_in_recovery(),"
                        + " CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM clock_timestamp()"
                        + " - pg_last_xact_replay_timestamp()) END")) {
            rs.next();
            version = rs.getString(1);
            database = rs.getString(2);
            user = rs.getString(3);
            replica = rs.getBoolean(4);
            double seconds = rs.getDouble(5);
            if (!rs.wasNull()) {
                lag = Duration.ofMillis(Math.max(0, Math.round(seconds * 1000)));
            }
        }
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, Duration> durations = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, reset_val, unit FROM pg_catalog.pg_settings WHERE name = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", SETTINGS.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String value = rs.getString(2);
                    String unit = rs.getString(3);
                    raw.put(name, unit == null ? value : value + unit);
                    if ("ms".equals(unit) || "s".equals(unit) || "min".equals(unit)) {
                        durations.put(name, duration(value, unit));
                    }
                }
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        SETTINGS.forEach(n -> {
            if (raw.containsKey(n)) {
                ordered.put(n, raw.get(n));
            }
        });
        Duration streamingDelay = durations.get("max_standby_streaming_delay");
        // hot_standby_feedback off and a finite max_standby_streaming_delay: replay cancels a query whose snapshot
        // still needs rows the primary's vacuum removed, once the delay has passed.
        boolean cancels = replica && "off".equals(raw.get("hot_standby_feedback"))
                && streamingDelay != null && !streamingDelay.isNegative();
        return new Server("PostgreSQL", version, database, user, replica, lag,
                durations.get("statement_timeout"), durations.get("lock_timeout"),
                durations.get("idle_in_transaction_session_timeout"), cancels, ordered);
    }

    /** A {@code pg_settings} value with its unit; -1 (for example "wait forever") becomes a negative duration. */
    static Duration duration(String value, String unit) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        if (n < 0) {
            return Duration.ofMillis(-1);
        }
        return switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            default -> Duration.ofMillis(n);
        };
    }

    /**
     * A superuser is not held to {@code superuser_reserved_connections}, its role's {@code CONNECTION LIMIT} or the
     * database's {@code datconnlimit}; anyone else is held to all three (and, from PostgreSQL 16, to
     * {@code reserved_connections} unless granted {@code pg_use_reserved_connections}, which is not checked).
     */
    @Override
    public Connections connections(Connection c) throws SQLException {
        // Sessions of others whose details are hidden show a NULL backend_type; those naming a database and a user
        // are client sessions (background processes name no database or no user).
        String client = "(a.backend_type = 'client backend' OR (a.backend_type IS NULL AND a.datname IS NOT NULL"
                + " AND a.usename IS NOT NULL))";
        String sql = "SELECT current_setting('max_connections')::int,"
                + " current_setting('superuser_reserved_connections')::int,"
                + " coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int,"
                + " r.rolsuper, r.rolconnlimit, d.datconnlimit,"
                + " (SELECT count(*) FROM pg_catalog.pg_stat_activity a WHERE " + client + "),"
                + " (SELECT count(*) FROM pg_catalog.pg_stat_activity a WHERE a.backend_type IS NULL"
                + "   AND a.datname IS NOT NULL AND a.usename IS NOT NULL),"
                + " (SELECT count(*) FROM pg_catalog.pg_stat_activity a WHERE " + client
                + "   AND a.usename = current_user),"
                + " (SELECT count(*) FROM pg_catalog.pg_stat_activity a WHERE " + client
                + "   AND a.datname = current_database())"
                + " FROM pg_catalog.pg_roles r, pg_catalog.pg_database d"
                + " WHERE r.rolname = current_user AND d.datname = current_database()";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("the current user or database is missing from pg_roles/pg_database");
            }
            int max = rs.getInt(1);
            int superReserved = rs.getInt(2);
            int reserved = rs.getInt(3);
            boolean superuser = rs.getBoolean(4);
            int roleLimit = rs.getInt(5);
            int dbLimit = rs.getInt(6);
            int inUse = rs.getInt(7);
            int hidden = rs.getInt(8);
            int roleInUse = rs.getInt(9);
            int dbInUse = rs.getInt(10);
            int serverLimit = superuser ? max : Math.max(0, max - superReserved - reserved);
            return new Connections(serverLimit, inUse, superuser ? -1 : roleLimit, roleInUse,
                    superuser ? -1 : dbLimit, dbInUse, hidden > 0);
        }
    }

    @Override
    public Optional<Table> table(Connection c, String table) throws SQLException {
        String regclass = SQL.quoteTable(table);
        String name;
        String kind;
        long rows;
        long bytes;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT n.nspname, c.relname, c.relkind, c.reltuples, pg_catalog.pg_total_relation_size(c.oid)"
                        + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.oid = pg_catalog.to_regclass(?)")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                name = rs.getString(1) + "." + rs.getString(2);
                kind = kind(rs.getString(3));
                double estimate = rs.getDouble(4);
                rows = rs.wasNull() || estimate < 0 ? -1 : Math.round(estimate);
                bytes = rs.getLong(5);
            }
        }
        if (kind.equals("partitioned table")) {
            // A partitioned table holds no rows itself; its partitions do.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sum(c.reltuples) FILTER (WHERE c.reltuples >= 0), count(*) FILTER (WHERE c.reltuples < 0),"
                            + " sum(pg_catalog.pg_total_relation_size(c.oid))"
                            + " FROM pg_catalog.pg_partition_tree(pg_catalog.to_regclass(?)) t"
                            + " JOIN pg_catalog.pg_class c ON c.oid = t.relid WHERE t.isleaf")) {
                ps.setString(1, regclass);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        double sum = rs.getDouble(1);
                        boolean any = !rs.wasNull();
                        rows = any && rs.getLong(2) == 0 ? Math.round(sum) : rows;
                        bytes = rs.getLong(3);
                    }
                }
            }
        }
        List<TableColumn> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull"
                        + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = pg_catalog.to_regclass(?)"
                        + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new TableColumn(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname FROM pg_catalog.pg_index i"
                        + " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
                        + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                        + " WHERE i.indrelid = pg_catalog.to_regclass(?) AND i.indisprimary ORDER BY k.ord")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new Table(name, kind, rows, bytes, columns, key));
    }

    private static String kind(String relkind) {
        return switch (relkind) {
            case "r" -> "table";
            case "p" -> "partitioned table";
            case "v" -> "view";
            case "m" -> "materialized view";
            case "f" -> "foreign table";
            default -> "relation (relkind " + relkind + ")";
        };
    }

    @Override
    public Optional<List<String>> tables(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        List<String> names = new ArrayList<>();
        // Partitions are left out: their parent is the table to export.
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                        + " ORDER BY c.relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(schema + "." + rs.getString(1));
                }
            }
        }
        return Optional.of(names);
    }

    @Override
    public List<Index> indexes(Connection c, String table) throws SQLException {
        String sql = "SELECT ic.relname, am.amname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL,"
                + " i.indisvalid AND i.indisready,"
                + " ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
                + "   LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + "   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)"
                + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
                + " WHERE i.indrelid = pg_catalog.to_regclass(?) ORDER BY ic.relname";
        List<Index> indexes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, SQL.quoteTable(table));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array array = rs.getArray(7);
                    List<String> columns = Arrays.asList((String[]) array.getArray());
                    array.free();
                    indexes.add(new Index(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT), columns,
                            rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6)));
                }
            }
        }
        return indexes;
    }

    @Override
    public Privileges privileges(Connection c, List<String> tables) throws SQLException {
        String user;
        boolean superuser;
        List<String> powers = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls"
                        + " FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
            if (!rs.next()) {
                throw new SQLException("the current user is missing from pg_roles");
            }
            user = rs.getString(1);
            superuser = rs.getBoolean(2);
            String[] names = {"CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS"};
            for (int i = 0; i < names.length; i++) {
                if (rs.getBoolean(3 + i)) {
                    powers.add(names[i]);
                }
            }
        }
        List<String> unreadable = new ArrayList<>();
        Map<String, List<String>> writable = new LinkedHashMap<>();
        String[] writes = {"INSERT", "UPDATE", "DELETE", "TRUNCATE"};
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_catalog.has_schema_privilege(c.relnamespace, 'USAGE')"
                        + " AND pg_catalog.has_table_privilege(c.oid, 'SELECT'),"
                        + " pg_catalog.has_table_privilege(c.oid, 'INSERT'),"
                        + " pg_catalog.has_table_privilege(c.oid, 'UPDATE'),"
                        + " pg_catalog.has_table_privilege(c.oid, 'DELETE'),"
                        + " pg_catalog.has_table_privilege(c.oid, 'TRUNCATE')"
                        + " FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(?)")) {
            for (String table : tables) {
                ps.setString(1, SQL.quoteTable(table));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    if (!rs.getBoolean(1)) {
                        unreadable.add(table);
                    }
                    List<String> held = new ArrayList<>();
                    for (int i = 0; i < writes.length; i++) {
                        if (rs.getBoolean(2 + i)) {
                            held.add(writes[i]);
                        }
                    }
                    if (!held.isEmpty()) {
                        writable.put(table, held);
                    }
                }
            }
        }
        return new Privileges(user, superuser, powers, unreadable, writable);
    }

    @Override
    public Transactions transactions(Connection c, Duration olderThan) throws SQLException {
        int hidden;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type IS NULL"
                        + " AND datname IS NOT NULL AND usename IS NOT NULL")) {
            rs.next();
            hidden = rs.getInt(1);
        }
        List<LongTransaction> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pid, usename, state, extract(epoch FROM clock_timestamp() - xact_start)"
                        + " FROM pg_catalog.pg_stat_activity WHERE pid <> pg_catalog.pg_backend_pid()"
                        + " AND backend_type = 'client backend' AND xact_start IS NOT NULL"
                        + " AND xact_start <= clock_timestamp() - make_interval(secs => ?)"
                        + " ORDER BY xact_start LIMIT 20")) {
            ps.setDouble(1, olderThan.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new LongTransaction(rs.getLong(1), rs.getString(2), rs.getString(3),
                            Duration.ofMillis(Math.max(0, Math.round(rs.getDouble(4) * 1000)))));
                }
            }
        }
        return new Transactions(hidden, found);
    }

    /**
     * {@code EXPLAIN (FORMAT JSON, VERBOSE)} on a plain Statement (so a jsonb {@code ?} is not a parameter); VERBOSE
     * names each scanned relation's schema. The statistics of every relation read by a sequential scan are looked up,
     * so the engine can tell a scan of a small lookup table from one of a big table.
     */
    @Override
    public Plan explain(Connection c, String selectSql) throws SQLException {
        String json;
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON, VERBOSE) "
                    + PostgresDialect.stripTerminator(selectSql))) {
                rs.next();
                json = rs.getString(1);
            }
        }
        Map<?, ?> top;
        try {
            top = (Map<?, ?>) ((Map<?, ?>) ((List<?>) JsonParser.parse(json)).get(0)).get("Plan");
        } catch (RuntimeException e) {
            throw new SQLException("unexpected EXPLAIN output: " + e.getMessage(), e);
        }
        List<Map<?, ?>> nodes = new ArrayList<>();
        walk(top, nodes);
        Set<String> seqScanned = new LinkedHashSet<>();
        Set<String> relations = new LinkedHashSet<>();
        List<String> reads = new ArrayList<>();
        for (Map<?, ?> node : nodes) {
            if (node.get("Relation Name") != null) {
                reads.add(label(node));
                relations.add(relation(node));
                if ("Seq Scan".equals(node.get("Node Type"))) {
                    seqScanned.add(relation(node));
                }
            }
        }
        List<Scan> scans = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(?)")) {
            for (String relation : seqScanned) {
                long rows = -1;
                ps.setString(1, SQL.quoteTable(relation));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getDouble(1) >= 0) {
                        rows = Math.round(rs.getDouble(1));
                    }
                }
                scans.add(new Scan(relation, rows));
            }
        }
        long rows = Math.round(number(top.get("Plan Rows")));
        double cost = number(top.get("Total Cost"));
        StringBuilder summary = new StringBuilder(label(top));
        summary.append(" (rows=").append(rows).append(", cost=").append(Math.round(cost)).append(')');
        if (top.get("Relation Name") == null && !reads.isEmpty()) {
            summary.append(" <- ").append(String.join(", ", reads.subList(0, Math.min(5, reads.size()))));
            if (reads.size() > 5) {
                summary.append(", ...");
            }
        }
        return new Plan(rows, cost, summary.toString(), new ArrayList<>(relations), scans);
    }

    private static void walk(Map<?, ?> node, List<Map<?, ?>> out) {
        out.add(node);
        if (node.get("Plans") instanceof List<?> children) {
            for (Object child : children) {
                if (child instanceof Map<?, ?> m) {
                    walk(m, out);
                }
            }
        }
    }

    private static String label(Map<?, ?> node) {
        StringBuilder b = new StringBuilder(String.valueOf(node.get("Node Type")));
        if (Boolean.TRUE.equals(node.get("Parallel Aware"))) {
            b.insert(0, "Parallel ");
        }
        if ("Backward".equals(node.get("Scan Direction"))) {
            b.append(" Backward");
        }
        if (node.get("Index Name") != null) {
            b.append(" using ").append(node.get("Index Name"));
        }
        if (node.get("Relation Name") != null) {
            b.append(" on ").append(relation(node));
        }
        return b.toString();
    }

    private static String relation(Map<?, ?> node) {
        Object schema = node.get("Schema");
        return (schema == null ? "" : schema + ".") + node.get("Relation Name");
    }

    private static double number(Object value) {
        return value instanceof Double d ? d : -1;
    }

    @Override
    public String createIndexSql(String table, String column) {
        return "CREATE INDEX CONCURRENTLY ON " + SQL.quoteTable(table) + " ("
                + SQL.quoteIdentifier(column) + ");";
    }

    @Override
    public String readOnlyRoleSql(String database, List<String> tables, int connectionLimit) {
        Set<String> schemas = new LinkedHashSet<>();
        for (String t : tables) {
            int dot = t.indexOf('.');
            schemas.add(dot < 0 ? "public" : t.substring(0, dot));
        }
        if (schemas.isEmpty()) {
            schemas.add("public");
        }
        StringBuilder b = new StringBuilder();
        b.append("CREATE ROLE rivet_reader LOGIN PASSWORD '<choose a password>' CONNECTION LIMIT ")
                .append(connectionLimit).append(";\n");
        b.append("ALTER ROLE rivet_reader SET default_transaction_read_only = on;\n");
        b.append("GRANT CONNECT ON DATABASE ").append(SQL.quoteIdentifier(database))
                .append(" TO rivet_reader;\n");
        for (String schema : schemas) {
            b.append("GRANT USAGE ON SCHEMA ").append(SQL.quoteIdentifier(schema)).append(" TO rivet_reader;\n");
        }
        if (tables.isEmpty()) {
            for (String schema : schemas) {
                b.append("GRANT SELECT ON ALL TABLES IN SCHEMA ").append(SQL.quoteIdentifier(schema))
                        .append(" TO rivet_reader;\n");
            }
        } else {
            b.append("GRANT SELECT ON ");
            for (int i = 0; i < tables.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(SQL.quoteTable(tables.get(i)));
            }
            b.append(" TO rivet_reader;\n");
        }
        b.append("-- then point the source's url_env at a URL for rivet_reader");
        return b.toString();
    }

    @Override
    public String seeAllSessionsSql(String user) {
        return "GRANT pg_read_all_stats TO " + SQL.quoteIdentifier(user) + ";";
    }

    @Override
    public String analyzeSql(String table) {
        return "ANALYZE " + SQL.quoteTable(table) + ";";
    }

    @Override
    public String longTransactionsSql(Duration olderThan) {
        return "SELECT pid, usename, state, now() - xact_start AS xact_age FROM pg_stat_activity"
                + " WHERE xact_start < now() - interval '" + Math.max(0, olderThan.toSeconds())
                + " seconds' ORDER BY xact_start;";
    }

    @Override
    public String castToText(String quotedColumn) {
        return quotedColumn + "::text";
    }

    @Override
    public String rowVersionCleanup() {
        return "vacuum";
    }
}
