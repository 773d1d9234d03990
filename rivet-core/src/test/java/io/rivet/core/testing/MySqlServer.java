package io.rivet.core.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A MySQL or MariaDB server on which integration tests create their own databases; obtain it from
 * {@link TestDatabases#mysql()}. Thread-safe.
 *
 * <p>The server's user must be able to create and drop databases and kill its own sessions (root on a development
 * machine). On a MariaDB where root authenticates only through the unix socket, create such a user once with
 * {@code sudo mariadb -uroot -e "CREATE USER 'rivet'@'127.0.0.1' IDENTIFIED BY 'rivet'; GRANT ALL ON *.* TO
 * 'rivet'@'127.0.0.1'"} and set {@code RIVET_TEST_MYSQL_URL=jdbc:mysql://127.0.0.1:3306/?user=rivet&password=rivet}.
 */
public final class MySqlServer {
    private final String baseUrl;
    private final String user;
    private final String password;
    private final String origin;

    /**
     * @param url a Connector/J URL; its database part is ignored, its credentials come from the {@code user} and
     *     {@code password} parameters (or the given ones)
     */
    MySqlServer(String url, String user, String password, String origin) {
        this.baseUrl = url;
        this.user = user;
        this.password = password;
        this.origin = origin;
    }

    /** Where the server came from and where it is, without the password. */
    public String description() {
        return origin + " at " + redacted(baseUrl) + (user == null ? "" : " user " + user);
    }

    private static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** The JDBC URL of {@code database} (credentials in parameters, as the server was given). */
    String url(String database) {
        int q = baseUrl.indexOf('?');
        String hostPart = q < 0 ? baseUrl : baseUrl.substring(0, q);
        String params = q < 0 ? "" : baseUrl.substring(q);
        int slash = hostPart.indexOf('/', "jdbc:mysql://".length());
        String hosts = slash < 0 ? hostPart : hostPart.substring(0, slash);
        return hosts + "/" + database + params;
    }

    Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url(database), props);
    }

    void check() throws SQLException {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    /** The server's version string, e.g. {@code 10.11.19-MariaDB-0+deb12u1} or {@code 8.4.3}. */
    public String version() {
        try (Connection c = connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the version of " + description(), e);
        }
    }

    /** Whether the server is MariaDB. */
    public boolean isMariaDb() {
        return version().toLowerCase(Locale.ROOT).contains("mariadb");
    }

    /**
     * Creates an empty database {@code rivet_<prefix>_<random>} (utf8mb4; other characters of {@code prefix} become
     * {@code _}). The caller closes the returned handle, which drops the database.
     */
    public MySqlDatabase createDatabase(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        String name = "rivet_" + clean + "_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name + " on " + description(), e);
        }
        return new MySqlDatabase(this, name);
    }

    /** The user name, or null when the URL names none. */
    public String user() {
        return user;
    }

    /** The password, or null. */
    public String password() {
        return password;
    }

    /** Drops {@code name}, first killing any session still using it (MySQL would wait for their metadata locks). */
    void drop(String name) {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST"
                    + " WHERE DB = ? AND ID <> CONNECTION_ID()")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            for (long id : ids) {
                try {
                    s.execute("KILL " + id);
                } catch (SQLException gone) {
                    // The session ended by itself in the meantime.
                }
            }
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }
}
