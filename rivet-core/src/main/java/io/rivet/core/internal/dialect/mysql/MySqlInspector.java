package io.rivet.core.internal.dialect.mysql;

import io.rivet.core.internal.check.Probes;
import io.rivet.core.internal.util.JsonParser;
import io.rivet.core.spi.SourceInspector;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MySQL 8 and MariaDB 10.x probes behind {@code rivet check} and {@code rivet init}
 * (docs/design/009-check-and-init.md). Reads only {@code information_schema}, global variables and status, the
 * replication status and {@code EXPLAIN FORMAT=JSON}; never runs the export's query. Stateless and thread-safe.
 *
 * <p>Visibility: every user can read the global variables, {@code Threads_connected}, its own grants and its own rows of
 * {@code information_schema.PROCESSLIST}. The replication status needs {@code REPLICATION CLIENT} (MySQL) or
 * {@code SLAVE MONITOR} / {@code SUPER} (MariaDB); without it, {@link #server} falls back to {@code @@read_only} and
 * says what it could not read. {@code information_schema.INNODB_TRX} needs {@code PROCESS}; without it
 * {@link #transactions} fails and the check reports long transactions as not checked.
 */
final class MySqlInspector implements SourceInspector {
    static final MySqlInspector INSTANCE = new MySqlInspector();
    /** Quotes names exactly as the exports do. */
    private static final MySqlDialect SQL = new MySqlDialect();

    /**
     * The global variables reported as facts: the value a new session starts with (the check's own session has
     * changed its statement limit and lock timeouts). Variables a server does not have are left out.
     */
    private static final List<String> SETTINGS = List.of("read_only", "super_read_only", "max_connections",
            "max_user_connections", "max_execution_time", "max_statement_time", "lock_wait_timeout",
            "innodb_lock_wait_timeout", "wait_timeout", "idle_transaction_timeout", "idle_readonly_transaction_timeout",
            "transaction_isolation", "tx_isolation");

    /** Global privileges that let a user change a table's rows or drop it (TRUNCATE needs DROP). */
    private static final List<String> WRITES = List.of("INSERT", "UPDATE", "DELETE", "DROP", "ALTER");
    /** Global privileges beyond reading that an export does not need. */
    private static final List<String> POWERS = List.of("CREATE USER", "FILE", "SHUTDOWN", "RELOAD", "GRANT OPTION",
            "REPLICATION SLAVE");

    private MySqlInspector() {
    }

    // ---------------------------------------------------------------- server

    /**
     * {@code VERSION()}, {@code DATABASE()}, {@code CURRENT_USER()}, the global variables of {@link #SETTINGS} and the
     * replication status: {@code SHOW ALL SLAVES STATUS} on MariaDB, {@code SHOW REPLICA STATUS} on MySQL 8.0.22+
     * ({@code SHOW SLAVE STATUS} before). The server is a replica when a replication channel is configured or
     * {@code read_only} is on; the lag is the largest {@code Seconds_Behind_Master}/{@code _Source} of its channels
     * (unknown while a channel's SQL thread is stopped).
     */
    @Override
    public Server server(Connection c) throws SQLException {
        String version;
        String database;
        String user;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT VERSION(), DATABASE(), CURRENT_USER()")) {
            rs.next();
            version = rs.getString(1);
            database = rs.getString(2);
            user = rs.getString(3);
        }
        boolean mariaDb = version.toLowerCase(Locale.ROOT).contains("mariadb");
        Map<String, String> vars = globals(c);
        Map<String, String> settings = new LinkedHashMap<>();
        SETTINGS.forEach(n -> {
            if (vars.containsKey(n)) {
                settings.put(n, vars.get(n));
            }
        });
        Map<String, String> notChecked = new LinkedHashMap<>();
        boolean readOnly = on(vars.get("read_only")) || on(vars.get("super_read_only"));
        boolean replicates = false;
        Duration lag = null;
        try {
            Replication r = replication(c, mariaDb);
            replicates = r.channels > 0;
            lag = r.lag;
            if (replicates) {
                settings.put("replication_channels", Integer.toString(r.channels));
                settings.put("replication_running", Boolean.toString(r.running));
            }
        } catch (SQLException e) {
            notChecked.put("whether the server replicates from a primary", Probes.describe(e) + "; judged from read_only ("
                    + (readOnly ? "on" : "off") + ") instead. " + (mariaDb ? "GRANT SLAVE MONITOR ON *.*"
                    : "GRANT REPLICATION CLIENT ON *.*") + " to the user lets it read the replication status");
        }
        Duration statement = mariaDb ? seconds(vars.get("max_statement_time"))
                : millis(vars.get("max_execution_time"));
        // No server setting ends an idle transaction on MySQL; wait_timeout ends any idle session, and MariaDB also
        // has idle_transaction_timeout and idle_readonly_transaction_timeout (Rivet's transactions are read-only).
        Duration idle = shortest(seconds(vars.get("wait_timeout")), seconds(vars.get("idle_transaction_timeout")),
                seconds(vars.get("idle_readonly_transaction_timeout")));
        return new Server(mariaDb ? "MariaDB" : "MySQL", version, database, user, replicates || readOnly, lag,
                statement, seconds(vars.get("lock_wait_timeout")), idle, false, settings, notChecked);
    }

    private static Map<String, String> globals(Connection c) throws SQLException {
        Map<String, String> vars = new HashMap<>();
        StringBuilder in = new StringBuilder();
        for (String n : SETTINGS) {
            in.append(in.length() == 0 ? "" : ", ").append('\'').append(n).append('\'');
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + in + ")")) {
            while (rs.next()) {
                vars.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        return vars;
    }

    /** Replication channels, whether all of them run, and the largest lag (null when unknown). */
    private record Replication(int channels, boolean running, Duration lag) {
    }

    private static Replication replication(Connection c, boolean mariaDb) throws SQLException {
        if (mariaDb) {
            return replication(c, "SHOW ALL SLAVES STATUS");
        }
        try {
            return replication(c, "SHOW REPLICA STATUS");
        } catch (SQLException e) {
            if (e.getErrorCode() != 1064) {
                throw e;
            }
            // MySQL before 8.0.22 knows only the old spelling.
            return replication(c, "SHOW SLAVE STATUS");
        }
    }

    private static Replication replication(Connection c, String sql) throws SQLException {
        int channels = 0;
        boolean running = true;
        boolean lagKnown = true;
        long lagSeconds = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            Set<String> labels = labels(rs.getMetaData());
            String lagColumn = labels.contains("seconds_behind_source") ? "Seconds_Behind_Source"
                    : "Seconds_Behind_Master";
            String sqlThread = labels.contains("replica_sql_running") ? "Replica_SQL_Running" : "Slave_SQL_Running";
            String ioThread = labels.contains("replica_io_running") ? "Replica_IO_Running" : "Slave_IO_Running";
            while (rs.next()) {
                channels++;
                running &= "Yes".equalsIgnoreCase(rs.getString(sqlThread))
                        && "Yes".equalsIgnoreCase(rs.getString(ioThread));
                long seconds = rs.getLong(lagColumn);
                if (rs.wasNull()) {
                    lagKnown = false;
                } else {
                    lagSeconds = Math.max(lagSeconds, seconds);
                }
            }
        }
        return new Replication(channels, running, channels > 0 && lagKnown ? Duration.ofSeconds(lagSeconds) : null);
    }

    private static Set<String> labels(ResultSetMetaData md) throws SQLException {
        Set<String> labels = new HashSet<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            labels.add(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        return labels;
    }

    private static boolean on(String value) {
        return value != null && (value.equalsIgnoreCase("ON") || value.equals("1"));
    }

    /** A variable in (possibly fractional) seconds; zero means none; null when absent or not a number. */
    static Duration seconds(String value) {
        if (value == null) {
            return null;
        }
        try {
            BigDecimal s = new BigDecimal(value.trim());
            return s.signum() <= 0 ? Duration.ZERO : Duration.ofMillis(s.movePointRight(3).longValue());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A variable in whole milliseconds; zero means none; null when absent or not a number. */
    private static Duration millis(String value) {
        if (value == null) {
            return null;
        }
        try {
            long ms = Long.parseLong(value.trim());
            return ms <= 0 ? Duration.ZERO : Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The shortest of the non-zero durations; zero when all are zero; null when none is known. */
    private static Duration shortest(Duration... durations) {
        Duration best = null;
        for (Duration d : durations) {
            if (d == null) {
                continue;
            }
            if (best == null || best.isZero() || (!d.isZero() && d.compareTo(best) < 0)) {
                best = d;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- connections

    /**
     * {@code max_connections} (a user with SUPER or CONNECTION_ADMIN gets one more, which is not counted), the
     * account's limit ({@code @@session.max_user_connections} reflects an account's {@code MAX_USER_CONNECTIONS}; 0
     * is none), {@code Threads_connected} for the server's sessions (exact, whatever the user may see), and this
     * user's and this database's sessions from {@code information_schema.PROCESSLIST} (its own, and everyone's with
     * {@code PROCESS}). MySQL has no per-database limit.
     */
    @Override
    public Connections connections(Connection c) throws SQLException {
        int max;
        int userLimit;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT @@global.max_connections, @@session.max_user_connections")) {
            rs.next();
            max = rs.getInt(1);
            userLimit = rs.getInt(2);
        }
        int inUse;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_connected'")) {
            inUse = rs.next() ? rs.getInt(2) : 1;
        }
        int userInUse;
        int databaseInUse;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT"
                + " COALESCE(SUM(USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), 0),"
                + " COALESCE(SUM(DB <=> DATABASE()), 0) FROM information_schema.PROCESSLIST")) {
            rs.next();
            userInUse = rs.getInt(1);
            databaseInUse = rs.getInt(2);
        }
        return new Connections(max, Math.max(inUse, 1), userLimit <= 0 ? -1 : userLimit, userInUse, -1,
                databaseInUse, false);
    }

    // ---------------------------------------------------------------- catalog

    @Override
    public Optional<Table> table(Connection c, String table) throws SQLException {
        String[] parts = MySqlDialect.split(table);
        String schema;
        String name;
        String kind;
        long rows;
        long bytes;
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS,"
                + " DATA_LENGTH + INDEX_LENGTH, CREATE_OPTIONS FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                schema = rs.getString(1);
                name = rs.getString(2);
                String options = rs.getString(6);
                kind = kind(rs.getString(3), options != null && options.toLowerCase(Locale.ROOT)
                        .contains("partitioned"));
                long r = rs.getLong(4);
                rows = rs.wasNull() || r < 0 ? -1 : r;
                long b = rs.getLong(5);
                bytes = rs.wasNull() || b < 0 ? -1 : b;
            }
        }
        List<TableColumn> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new TableColumn(rs.getString(1), rs.getString(2), "YES".equals(rs.getString(3))));
                }
            }
        }
        List<String> key = SQL.primaryKeyColumns(c, schema + "." + name);
        return Optional.of(new Table(schema + "." + name, kind, rows, bytes, columns, key));
    }

    private static String kind(String type, boolean partitioned) {
        return switch (type == null ? "" : type) {
            case "BASE TABLE", "SYSTEM VERSIONED" -> partitioned ? "partitioned table" : "table";
            case "VIEW", "SYSTEM VIEW" -> "view";
            case "SEQUENCE" -> "sequence";
            default -> "relation (" + type + ")";
        };
    }

    /** The base tables of {@code schema} (a MySQL database), sorted by name; views are left out. */
    @Override
    public Optional<List<String>> tables(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(schema + "." + rs.getString(1));
                }
            }
        }
        return Optional.of(names);
    }

    /**
     * The indexes from {@code information_schema.STATISTICS}: {@code INDEX_TYPE} in lower case ({@code btree},
     * {@code hash}, {@code fulltext}, {@code spatial}); a column indexed by a prefix ({@code SUB_PART}) or an
     * expression (MySQL 8's functional key parts) is {@code null}, since it cannot serve an ordered read of the whole
     * value; an invisible (MySQL) or ignored (MariaDB 10.6+) index is not valid, since the optimizer does not use it.
     * MySQL has no partial indexes.
     */
    @Override
    public List<Index> indexes(Connection c, String table) throws SQLException {
        String[] parts = MySqlDialect.split(table);
        Map<String, Index> byName = new LinkedHashMap<>();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                Set<String> labels = labels(rs.getMetaData());
                while (rs.next()) {
                    String index = rs.getString("INDEX_NAME");
                    String column = rs.getString("COLUMN_NAME");
                    rs.getLong("SUB_PART");
                    boolean prefix = !rs.wasNull();
                    columns.computeIfAbsent(index, k -> new ArrayList<>()).add(prefix ? null : column);
                    if (!byName.containsKey(index)) {
                        boolean valid = !(labels.contains("is_visible") && "NO".equals(rs.getString("IS_VISIBLE")))
                                && !(labels.contains("ignored") && "YES".equals(rs.getString("IGNORED")));
                        byName.put(index, new Index(index, rs.getString("INDEX_TYPE").toLowerCase(Locale.ROOT),
                                List.of(), rs.getInt("NON_UNIQUE") == 0, index.equals("PRIMARY"), false, valid));
                    }
                }
            }
        }
        List<Index> indexes = new ArrayList<>();
        byName.forEach((n, i) -> indexes.add(new Index(n, i.method(), columns.get(n), i.unique(), i.primary(),
                false, i.valid())));
        return indexes;
    }

    // ---------------------------------------------------------------- privileges

    /**
     * The user's grants from {@code information_schema.USER_PRIVILEGES}, {@code SCHEMA_PRIVILEGES} and
     * {@code TABLE_PRIVILEGES}, for its own account and its enabled roles. {@code SUPER} makes a superuser. A table is
     * writable through INSERT, UPDATE, DELETE, DROP (which allows TRUNCATE) or ALTER held on the table, its database
     * or globally. Which tables the user may read is not judged here: describing the export already fails with error
     * 1142 when it may not, and privileges through roles that are granted but not enabled are not seen.
     */
    @Override
    public Privileges privileges(Connection c, List<String> tables) throws SQLException {
        String user;
        String host;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String current = rs.getString(1);
            int at = current.lastIndexOf('@');
            user = at < 0 ? current : current.substring(0, at);
            host = at < 0 ? "%" : current.substring(at + 1);
        }
        List<String> grantees = new ArrayList<>();
        grantees.add(grantee(user, host));
        grantees.addAll(enabledRoles(c));
        String in = String.join(", ", Collections.nCopies(grantees.size(), "?"));

        Set<String> global = new LinkedHashSet<>();
        boolean grantOption = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT PRIVILEGE_TYPE, IS_GRANTABLE"
                + " FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN (" + in + ")")) {
            bind(ps, grantees, 0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    global.add(rs.getString(1).toUpperCase(Locale.ROOT));
                    grantOption |= "YES".equals(rs.getString(2));
                }
            }
        }
        if (grantOption) {
            global.add("GRANT OPTION");
        }
        boolean superuser = global.contains("SUPER");
        List<String> powers = new ArrayList<>();
        for (String p : POWERS) {
            if (global.contains(p)) {
                powers.add(p);
            }
        }
        Map<String, List<String>> writable = new LinkedHashMap<>();
        try (PreparedStatement schemaPs = c.prepareStatement("SELECT DISTINCT PRIVILEGE_TYPE"
                + " FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE IN (" + in + ")"
                + " AND COALESCE(?, DATABASE()) LIKE TABLE_SCHEMA");
                PreparedStatement tablePs = c.prepareStatement("SELECT DISTINCT PRIVILEGE_TYPE"
                        + " FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE IN (" + in + ")"
                        + " AND TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?")) {
            for (String table : tables) {
                String[] parts = MySqlDialect.split(table);
                Set<String> held = new HashSet<>(global);
                bind(schemaPs, grantees, 0);
                schemaPs.setString(grantees.size() + 1, parts[0]);
                collect(schemaPs, held);
                bind(tablePs, grantees, 0);
                tablePs.setString(grantees.size() + 1, parts[0]);
                tablePs.setString(grantees.size() + 2, parts[1]);
                collect(tablePs, held);
                List<String> writes = new ArrayList<>();
                for (String w : WRITES) {
                    if (held.contains(w)) {
                        writes.add(w);
                    }
                }
                if (!writes.isEmpty()) {
                    writable.put(table, writes);
                }
            }
        }
        return new Privileges(user + "@" + host, superuser, powers, List.of(), writable);
    }

    /** The grantees of the session's enabled roles, or none when the server cannot list them. */
    private static List<String> enabledRoles(Connection c) {
        List<String> roles = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM information_schema.ENABLED_ROLES")) {
            boolean hasHost = labels(rs.getMetaData()).contains("role_host");
            while (rs.next()) {
                String role = rs.getString("ROLE_NAME");
                if (role != null) {
                    // MariaDB names roles without a host; MySQL 8 roles are accounts.
                    roles.add(hasHost ? grantee(role, rs.getString("ROLE_HOST")) : "'" + role + "'");
                }
            }
        } catch (SQLException e) {
            // An older server without ENABLED_ROLES: the account's own grants are all there is to read.
        }
        return roles;
    }

    private static String grantee(String user, String host) {
        return "'" + user + "'@'" + host + "'";
    }

    private static void bind(PreparedStatement ps, List<String> values, int offset) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setString(offset + i + 1, values.get(i));
        }
    }

    private static void collect(PreparedStatement ps, Set<String> into) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.add(rs.getString(1).toUpperCase(Locale.ROOT));
            }
        }
    }

    // ---------------------------------------------------------------- transactions

    /**
     * InnoDB transactions from {@code information_schema.INNODB_TRX} started at least {@code olderThan} ago, other than
     * the inspecting session's, oldest first (at most 20), with the session's user and command from
     * {@code PROCESSLIST} ({@code Sleep} is shown as {@code idle in transaction}). Needs {@code PROCESS}; with it every
     * session is visible, so none is reported hidden.
     */
    @Override
    public Transactions transactions(Connection c, Duration olderThan) throws SQLException {
        List<LongTransaction> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT t.trx_mysql_thread_id, p.USER, p.COMMAND,"
                + " t.trx_state, TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6))"
                + " FROM information_schema.INNODB_TRX t"
                + " LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
                + " WHERE t.trx_mysql_thread_id <> CONNECTION_ID()"
                + " AND t.trx_started <= NOW(6) - INTERVAL ? MICROSECOND ORDER BY t.trx_started LIMIT 20")) {
            ps.setLong(1, olderThan.toNanos() / 1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String command = rs.getString(3);
                    String state = command == null ? rs.getString(4).toLowerCase(Locale.ROOT)
                            : command.equals("Sleep") ? "idle in transaction" : command.toLowerCase(Locale.ROOT);
                    found.add(new LongTransaction(rs.getLong(1), rs.getString(2) == null ? "?" : rs.getString(2),
                            state, Duration.ofNanos(Math.max(0, rs.getLong(5)) * 1000)));
                }
            }
        }
        return new Transactions(0, found);
    }

    // ---------------------------------------------------------------- explain

    /**
     * {@code EXPLAIN FORMAT=JSON} (MySQL 8 and MariaDB 10.x both have it), on a plain Statement. Every table access in
     * the document is read: {@code access_type} {@code ALL} is a full scan, whose examined rows (MariaDB
     * {@code rows}, MySQL {@code rows_examined_per_scan}) are the scanned table's estimated rows. Relations are named
     * as the plan names them (the alias when the query gives one). The plan's rows: MySQL's
     * {@code rows_produced_per_join} of the last table read; otherwise the product over the top-level nested loop of
     * rows × filtered. The cost is MySQL's {@code query_cost} ({@code -1} on MariaDB 10, which reports none).
     */
    @Override
    public Plan explain(Connection c, String selectSql) throws SQLException {
        String json;
        try (Statement s = c.createStatement()) {
            s.setEscapeProcessing(false);
            try (ResultSet rs = s.executeQuery("EXPLAIN FORMAT=JSON " + MySqlDialect.stripTerminator(selectSql))) {
                rs.next();
                json = rs.getString(1);
            }
        }
        return plan(json);
    }

    /** The plan of an {@code EXPLAIN FORMAT=JSON} document, as {@link #explain} describes. */
    static Plan plan(String json) throws SQLException {
        Map<?, ?> block;
        try {
            block = (Map<?, ?>) ((Map<?, ?>) JsonParser.parse(json)).get("query_block");
        } catch (RuntimeException e) {
            throw new SQLException("unexpected EXPLAIN output: " + e.getMessage(), e);
        }
        if (block == null) {
            throw new SQLException("unexpected EXPLAIN output: no query_block");
        }
        List<Map<?, ?>> all = new ArrayList<>();
        tables(block, all, true);
        List<Map<?, ?>> top = new ArrayList<>();
        tables(block, top, false);

        Set<String> relations = new LinkedHashSet<>();
        List<Scan> scans = new ArrayList<>();
        Set<String> scanned = new HashSet<>();
        List<String> reads = new ArrayList<>();
        boolean filesort = json.contains("\"using_filesort\": true") || json.contains("\"filesort\"");
        for (Map<?, ?> t : all) {
            String name = String.valueOf(t.get("table_name"));
            boolean derived = name.startsWith("<");
            if (!derived) {
                relations.add(name);
            }
            reads.add(label(t));
            if ("ALL".equals(t.get("access_type")) && !derived && scanned.add(name)) {
                scans.add(new Scan(name, Math.round(examined(t))));
            }
        }
        long rows;
        Object produced = top.isEmpty() ? null : top.get(top.size() - 1).get("rows_produced_per_join");
        if (produced != null) {
            rows = Math.round(number(produced));
        } else if (top.isEmpty()) {
            Object message = findMessage(block);
            rows = message != null && message.toString().toLowerCase(Locale.ROOT).contains("impossible") ? 0 : 1;
        } else {
            double product = 1;
            for (Map<?, ?> t : top) {
                double filtered = t.get("filtered") == null ? 100 : number(t.get("filtered"));
                product *= Math.max(0, examined(t)) * filtered / 100;
            }
            rows = Math.round(product);
        }
        double cost = -1;
        if (block.get("cost_info") instanceof Map<?, ?> info && info.get("query_cost") != null) {
            cost = number(info.get("query_cost"));
        } else if (block.get("cost") != null) {
            cost = number(block.get("cost"));
        }
        StringBuilder summary = new StringBuilder();
        if (reads.isEmpty()) {
            Object message = findMessage(block);
            summary.append("No table read").append(message == null ? "" : " (" + message + ")");
        } else {
            summary.append(String.join(", ", reads.subList(0, Math.min(5, reads.size()))));
            if (reads.size() > 5) {
                summary.append(", ...");
            }
            if (filesort) {
                summary.append(", then a sort");
            }
        }
        summary.append(" (rows=").append(rows);
        if (cost >= 0) {
            summary.append(", cost=").append(Math.round(cost));
        }
        summary.append(')');
        return new Plan(rows, cost, summary.toString(), new ArrayList<>(relations), scans);
    }

    /**
     * Collects the table accesses (objects with an {@code access_type}) under {@code node} in document order; with
     * {@code nested} false, does not descend into subqueries and materialized derived tables.
     */
    private static void tables(Object node, List<Map<?, ?>> out, boolean nested) {
        if (node instanceof Map<?, ?> m) {
            if (m.get("access_type") != null && m.get("table_name") != null) {
                out.add(m);
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!nested && (key.startsWith("materialized") || key.contains("subqueries")
                        || key.equals("query_block") || key.equals("query_specifications"))) {
                    continue;
                }
                tables(e.getValue(), out, nested);
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) {
                tables(o, out, nested);
            }
        }
    }

    private static Object findMessage(Object node) {
        if (node instanceof Map<?, ?> m) {
            if (m.get("message") != null) {
                return m.get("message");
            }
            for (Object v : m.values()) {
                Object found = findMessage(v);
                if (found != null) {
                    return found;
                }
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) {
                Object found = findMessage(o);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** How one table is read, e.g. {@code Full table scan on orders} or {@code Index range scan using v on t}. */
    private static String label(Map<?, ?> t) {
        String access = String.valueOf(t.get("access_type"));
        String what = switch (access) {
            case "ALL" -> "Full table scan";
            case "index" -> "Full index scan";
            case "range" -> "Index range scan";
            case "ref", "eq_ref", "ref_or_null" -> "Index lookup (" + access + ")";
            case "const", "system" -> "Single row (" + access + ")";
            case "index_merge" -> "Index merge";
            default -> "Access " + access;
        };
        Object key = t.get("key");
        return what + (key == null ? "" : " using " + key) + " on " + t.get("table_name");
    }

    /** The rows one scan of this table examines: MariaDB {@code rows}, MySQL {@code rows_examined_per_scan}. */
    private static double examined(Map<?, ?> t) {
        Object v = t.get("rows_examined_per_scan");
        return number(v != null ? v : t.get("rows"));
    }

    /** A JSON number, or a number MySQL writes as a string (its {@code filtered} and costs); -1 when neither. */
    private static double number(Object value) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- fixes

    /**
     * An online index build ({@code ALGORITHM=INPLACE, LOCK=NONE}: reads and writes go on while it runs, on MySQL 8 and
     * MariaDB alike), named {@code <column>_idx} (cut to MySQL's 64 characters).
     */
    @Override
    public String createIndexSql(String table, String column) {
        String name = column + "_idx";
        if (name.length() > 64) {
            name = name.substring(0, 64);
        }
        return "CREATE INDEX " + SQL.quoteIdentifier(name) + " ON " + SQL.quoteTable(table) + " ("
                + SQL.quoteIdentifier(column) + ") ALGORITHM=INPLACE LOCK=NONE;";
    }

    /**
     * A user {@code 'rivet'@'%'} with {@code MAX_USER_CONNECTIONS} and SELECT on each database the tables are in (or
     * on {@code database} when no table is named), plus the narrower per-table grant as a comment. MySQL has no
     * read-only default for a user; Rivet's own transactions are {@code READ ONLY} anyway.
     */
    @Override
    public String readOnlyRoleSql(String database, List<String> tables, int connectionLimit) {
        Set<String> schemas = new LinkedHashSet<>();
        for (String t : tables) {
            String schema = MySqlDialect.split(t)[0];
            schemas.add(schema == null ? database : schema);
        }
        if (schemas.isEmpty()) {
            schemas.add(database);
        }
        StringBuilder b = new StringBuilder();
        b.append("CREATE USER 'rivet'@'%' IDENTIFIED BY '<choose a password>' WITH MAX_USER_CONNECTIONS ")
                .append(connectionLimit).append(";\n");
        for (String schema : schemas) {
            b.append("GRANT SELECT ON ").append(SQL.quoteIdentifier(schema)).append(".* TO 'rivet'@'%';\n");
        }
        if (!tables.isEmpty()) {
            b.append("-- or only the exported tables: ");
            for (int i = 0; i < tables.size(); i++) {
                String[] parts = MySqlDialect.split(tables.get(i));
                String qualified = (parts[0] == null ? database : parts[0]) + "." + parts[1];
                b.append(i == 0 ? "" : " ").append("GRANT SELECT ON ").append(SQL.quoteTable(qualified))
                        .append(" TO 'rivet'@'%';");
            }
            b.append('\n');
        }
        b.append("-- then point the source's url_env at a URL for rivet");
        return b.toString();
    }

    /** {@code ANALYZE TABLE}: refreshes InnoDB's persistent statistics (a quick sample, no rebuild). */
    @Override
    public String analyzeSql(String table) {
        return "ANALYZE TABLE " + SQL.quoteTable(table) + ";";
    }

    /** {@code GRANT PROCESS}: lets the user read {@code INNODB_TRX} and every session in {@code PROCESSLIST}. */
    @Override
    public String seeAllSessionsSql(String user) {
        int at = user.lastIndexOf('@');
        String account = at < 0 ? grantee(user, "%") : grantee(user.substring(0, at), user.substring(at + 1));
        return "GRANT PROCESS ON *.* TO " + account + ";";
    }

    @Override
    public String longTransactionsSql(Duration olderThan) {
        return "SELECT t.trx_mysql_thread_id, p.USER, p.COMMAND, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age_s"
                + " FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p"
                + " ON p.ID = t.trx_mysql_thread_id WHERE t.trx_started < NOW() - INTERVAL "
                + Math.max(0, olderThan.toSeconds()) + " SECOND ORDER BY t.trx_started;";
    }

    @Override
    public String castToText(String quotedColumn) {
        return "CAST(" + quotedColumn + " AS CHAR)";
    }

    /** Spatial types as WKT ({@code ST_AsText}), MySQL 9's VECTOR as {@code VECTOR_TO_STRING}, others cast. */
    @Override
    public String castToText(String quotedColumn, String sourceType) {
        String type = sourceType == null ? "" : sourceType.toLowerCase(Locale.ROOT);
        if (type.startsWith("vector")) {
            return "VECTOR_TO_STRING(" + quotedColumn + ")";
        }
        if (type.matches("(geometry|point|linestring|polygon|multipoint|multilinestring|multipolygon"
                + "|geometrycollection|geomcollection).*")) {
            return "ST_AsText(" + quotedColumn + ")";
        }
        return castToText(quotedColumn);
    }

    /** InnoDB's purge, which cannot discard the undo of row versions an open read view may still need. */
    @Override
    public String rowVersionCleanup() {
        return "InnoDB purge";
    }
}
