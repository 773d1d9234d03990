package io.rivet.core.testing;

import com.mysql.cj.jdbc.MysqlDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** One throw-away MySQL or MariaDB database; {@link #close()} drops it. Thread-safe. */
public final class MySqlDatabase implements AutoCloseable {
    private final MySqlServer server;
    private final String name;

    MySqlDatabase(MySqlServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /** The database's name. */
    public String name() {
        return name;
    }

    /** The server it lives on. */
    public MySqlServer server() {
        return server;
    }

    /** A Connector/J URL of the database, with the server URL's parameters (see {@link #user()}, {@link #password()}). */
    public String jdbcUrl() {
        return server.url(name);
    }

    /**
     * A Connector/J URL of the database that logs in as {@code user} with {@code password} (null: none): the server
     * URL's own {@code user} and {@code password} parameters are dropped, its other parameters kept.
     */
    public String jdbcUrl(String user, String password) {
        String url = jdbcUrl();
        int q = url.indexOf('?');
        StringBuilder b = new StringBuilder(q < 0 ? url : url.substring(0, q));
        char sep = '?';
        if (q >= 0) {
            for (String pair : url.substring(q + 1).split("&")) {
                if (!pair.isEmpty() && !pair.startsWith("user=") && !pair.startsWith("password=")) {
                    b.append(sep).append(pair);
                    sep = '&';
                }
            }
        }
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        b.append(sep).append("user=").append(java.net.URLEncoder.encode(user, utf8));
        if (password != null) {
            b.append("&password=").append(java.net.URLEncoder.encode(password, utf8));
        }
        return b.toString();
    }

    /**
     * The database as a {@code mysql://user:password@host:port/db} URI (the form the Rust tool's configs use), with
     * the credentials percent-encoded; they come from {@link #user()} and {@link #password()} or, when the server was
     * given by URL, from its {@code user} and {@code password} parameters.
     */
    public String uri() {
        String jdbc = jdbcUrl();
        int q = jdbc.indexOf('?');
        String base = q < 0 ? jdbc : jdbc.substring(0, q);
        String user = server.user();
        String password = server.password();
        if (q >= 0) {
            for (String pair : jdbc.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8);
                if (key.equals("user") && user == null) {
                    user = value;
                } else if (key.equals("password") && password == null) {
                    password = value;
                }
            }
        }
        String hostAndDb = base.substring("jdbc:mysql://".length());
        String info = user == null ? "" : encode(user) + (password == null || password.isEmpty() ? ""
                : ":" + encode(password)) + "@";
        return "mysql://" + info + hostAndDb;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The user name, or null when the URL carries it. */
    public String user() {
        return server.user();
    }

    /** The password, or null. */
    public String password() {
        return server.password();
    }

    /** A new, unpooled Connector/J data source for the database (credentials included). */
    public DataSource dataSource() {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setUrl(jdbcUrl());
        if (server.user() != null) {
            ds.setUser(server.user());
        }
        if (server.password() != null) {
            ds.setPassword(server.password());
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

    /** Drops the database, killing any session still in it. */
    @Override
    public void close() {
        server.drop(name);
    }
}
