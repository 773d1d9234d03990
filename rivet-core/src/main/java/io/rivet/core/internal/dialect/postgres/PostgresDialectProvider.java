package io.rivet.core.internal.dialect.postgres;

import io.rivet.core.internal.util.UriText;
import io.rivet.core.spi.Dialect;
import io.rivet.core.spi.DialectProvider;
import io.rivet.exception.RivetConfigException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Registers the PostgreSQL dialect ({@code postgres}). Turns {@code postgresql://user:pass@host:port/db?params} and
 * {@code postgres://...} URIs (libpq style) into pgjdbc URLs; {@code jdbc:postgresql:...} URLs pass unchanged.
 * Stateless and thread-safe; the constructor does nothing.
 */
public final class PostgresDialectProvider implements DialectProvider {

    /** The dialect's name. */
    public static final String NAME = "postgres";

    /** libpq parameter names whose pgjdbc name differs; the others pass through unchanged. */
    private static final Map<String, String> PARAMETER_NAMES = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout");

    /** Creates the provider. */
    public PostgresDialectProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Converts a PostgreSQL URL to a pgjdbc URL, or returns {@code null} for another database's URL. The user and
     * password of a URI are percent-decoded, then re-encoded as the {@code user} and {@code password} parameters.
     *
     * @throws RivetConfigException when the URL is a PostgreSQL URI but malformed (the message never holds the password)
     */
    @Override
    public String toJdbcUrl(String url) {
        if (url == null) {
            return null;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return url;
        }
        String rest;
        if (lower.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
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
        String database = "";
        String query = "";
        int q = tail.indexOf('?');
        if (q >= 0) {
            query = tail.substring(q + 1);
            tail = tail.substring(0, q);
        }
        if (tail.startsWith("/")) {
            database = tail.substring(1);
        }

        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hosts).append('/').append(database);
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
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                jdbc.append(sep).append(PARAMETER_NAMES.getOrDefault(key, key)).append('=')
                        .append(URLEncoder.encode(percentDecode(value, "parameter " + key), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        return jdbc.toString();
    }

    /** True for {@code PostgreSQL} (the product name pgjdbc reports), in any case. */
    @Override
    public boolean supportsProduct(String productName) {
        return "PostgreSQL".equalsIgnoreCase(productName);
    }

    @Override
    public Dialect create() {
        return new PostgresDialect();
    }

    private static String percentDecode(String s, String what) {
        return UriText.percentDecode(s, what, "PostgreSQL");
    }
}
