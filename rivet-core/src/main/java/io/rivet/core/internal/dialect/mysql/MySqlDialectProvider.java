package io.rivet.core.internal.dialect.mysql;

import io.rivet.core.internal.util.UriText;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.DialectProvider;
import io.rivet.exception.RivetConfigException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Registers the MySQL dialect ({@code mysql}), which serves MySQL and MariaDB through MySQL Connector/J. Turns
 * {@code mysql://user:pass@host:port/db?params} and {@code mariadb://...} URIs into Connector/J URLs;
 * {@code jdbc:mysql:...} passes unchanged and {@code jdbc:mariadb:...} is read as {@code jdbc:mysql:...} (Rivet ships
 * Connector/J, not the MariaDB driver). Stateless and thread-safe; the constructor does nothing.
 */
public final class MySqlDialectProvider implements DialectProvider {

    /** The dialect's name. */
    public static final String NAME = "mysql";

    /** Creates the provider. */
    public MySqlDialectProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Converts a MySQL or MariaDB URL to a Connector/J URL, or returns {@code null} for another database's URL. The
     * user and password of a URI are percent-decoded (RFC 3986: {@code +} stays a plus), then form-encoded as the
     * {@code user} and {@code password} parameters the way Connector/J decodes them. {@code ssl-mode} (the mysql
     * client's spelling) becomes {@code sslMode}, and {@code connect_timeout} in seconds becomes
     * {@code connectTimeout} in milliseconds; other parameters pass through unchanged.
     *
     * @throws RivetConfigException when the URL is a MySQL URI but malformed (the message never holds the password)
     */
    @Override
    public String toJdbcUrl(String url) {
        if (url == null) {
            return null;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:mysql:")) {
            return url;
        }
        if (lower.startsWith("jdbc:mariadb:")) {
            return "jdbc:mysql:" + url.substring("jdbc:mariadb:".length());
        }
        String rest;
        if (lower.startsWith("mysql://")) {
            rest = url.substring("mysql://".length());
        } else if (lower.startsWith("mariadb://")) {
            rest = url.substring("mariadb://".length());
        } else {
            return null;
        }
        int authorityEnd = UriText.indexOfAny(rest, "/?#");
        String authority = authorityEnd < 0 ? rest : rest.substring(0, authorityEnd);
        String tail = authorityEnd < 0 ? "" : rest.substring(authorityEnd);
        if (tail.indexOf('#') >= 0) {
            tail = tail.substring(0, tail.indexOf('#'));
        }
        // The password may hold '@' only percent-encoded, but be lenient: the host part follows the last '@'.
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        String hosts = at < 0 ? authority : authority.substring(at + 1);
        if (hosts.isEmpty()) {
            hosts = "localhost";
        }
        String query = "";
        int q = tail.indexOf('?');
        if (q >= 0) {
            query = tail.substring(q + 1);
            tail = tail.substring(0, q);
        }
        String database = tail.startsWith("/") ? tail.substring(1) : "";

        StringBuilder jdbc = new StringBuilder("jdbc:mysql://").append(hosts).append('/').append(database);
        char sep = '?';
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user name");
            String password = colon < 0 ? null : percentDecode(userInfo.substring(colon + 1), "password");
            if (!user.isEmpty()) {
                jdbc.append(sep).append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
                sep = '&';
            }
            if (password != null) {
                jdbc.append(sep).append("password=").append(URLEncoder.encode(password, StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = percentDecode(eq < 0 ? "" : pair.substring(eq + 1), "parameter " + key);
            switch (key) {
                case "ssl-mode", "sslmode" -> key = "sslMode";
                case "connect_timeout" -> {
                    key = "connectTimeout";
                    try {
                        value = Long.toString(Math.multiplyExact(Long.parseLong(value.trim()), 1000L));
                    } catch (NumberFormatException | ArithmeticException e) {
                        throw new RivetConfigException("connect_timeout in the MySQL URL must be a whole number of"
                                + " seconds.");
                    }
                }
                default -> {
                }
            }
            jdbc.append(sep).append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            sep = '&';
        }
        return jdbc.toString();
    }

    /**
     * True for {@code MySQL} (what Connector/J reports for MySQL and MariaDB alike) and {@code MariaDB} (the MariaDB
     * driver's name, so that such a DataSource gets a message asking for Connector/J instead of "no dialect").
     */
    @Override
    public boolean supportsProduct(String productName) {
        return "MySQL".equalsIgnoreCase(productName) || "MariaDB".equalsIgnoreCase(productName);
    }

    @Override
    public Dialect create() {
        return new MySqlDialect();
    }

    private static String percentDecode(String s, String what) {
        return UriText.percentDecode(s, what, "MySQL");
    }
}
