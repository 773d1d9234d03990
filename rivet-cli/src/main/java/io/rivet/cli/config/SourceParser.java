package io.rivet.cli.config;

import io.rivet.Source;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns {@code source:} into a {@link Source}. Exactly one way to name the database: {@code url}, {@code url_env}, or
 * {@code host}/{@code port}/{@code database}. Secrets come only from the environment: a {@code url} with an inline
 * password is refused, and {@code password_env} and {@code url_env} are resolved from the environment when the file
 * is loaded, so a missing variable is reported before anything runs.
 */
final class SourceParser {
    /** {@code scheme://user:secret@} — a user with a password in the authority. */
    private static final Pattern INLINE_PASSWORD = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.:-]*://[^/@?#]*:[^/@?#]*@.*");
    /** {@code password=} as a URL parameter (pgjdbc, Connector/J). */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i).*[?&;]password=.*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SourceParser() {
    }

    /** Builds the source, or returns {@code null} after reporting its problems. */
    static Source parse(YamlObject s, Map<String, String> env) {
        Problems problems = s.problems();
        int before = problems.size();
        String type = s.string("type");
        String dialect = null;
        if (type != null) {
            dialect = switch (type.toLowerCase(Locale.ROOT)) {
                case "postgres", "postgresql" -> "postgres";
                case "mysql", "mariadb" -> "mysql";
                default -> {
                    problems.add(s.pathOf("type") + " must be postgres or mysql but is \"" + type + "\"");
                    yield null;
                }
            };
        }

        boolean hasUrl = s.has("url");
        boolean hasUrlEnv = s.has("url_env");
        boolean hasHost = s.has("host") || s.has("port") || s.has("database");
        int ways = (hasUrl ? 1 : 0) + (hasUrlEnv ? 1 : 0) + (hasHost ? 1 : 0);
        if (ways == 0) {
            problems.add(s.path() + " needs a database: set url_env (an environment variable holding the URL), url"
                    + " (without a password), or host, port and database");
        } else if (ways > 1) {
            problems.add(s.path() + " names the database more than once: use only one of url, url_env, or"
                    + " host/port/database");
        }

        String url = null;
        if (hasUrl) {
            url = s.string("url");
            if (url != null && hasInlinePassword(url)) {
                problems.add(s.pathOf("url") + " contains a password: " + Keys.SECRET_ADVICE);
                url = null;
            } else if (url != null) {
                dialect = checkScheme(url, dialect, s.pathOf("url"), problems);
            }
        } else if (hasUrlEnv) {
            String variable = envName(s, "url_env");
            if (variable != null) {
                url = env.get(variable);
                if (url == null || url.isBlank()) {
                    problems.add(unsetVariable(s.pathOf("url_env"), variable,
                            "postgresql://user:password@host:5432/db"));
                    url = null;
                } else {
                    dialect = checkScheme(url.trim(), dialect, "the URL in " + variable, problems);
                    url = url.trim();
                }
            }
        } else if (hasHost) {
            url = hostUrl(s, dialect);
        }

        String user = s.string("user");
        String password = null;
        if (s.has("password_env")) {
            String variable = envName(s, "password_env");
            if (variable != null) {
                password = env.get(variable);
                if (password == null) {
                    problems.add(unsetVariable(s.pathOf("password_env"), variable, "..."));
                }
            }
        }

        if (problems.size() > before || url == null) {
            return null;
        }
        // The password is resolved here rather than handed over as password_env: the CLI reads the environment it
        // was given (tests inject one), and the value never leaves this process (Source.toString hides it).
        Source.Builder b = Source.builder().url(url);
        if (dialect != null) {
            b.dialect(dialect);
        }
        if (user != null) {
            b.user(user);
        }
        if (password != null) {
            b.password(password);
        }
        return b.build();
    }

    /** Whether a URL carries a password inline, as {@code user:secret@} or a {@code password=} parameter. */
    static boolean hasInlinePassword(String url) {
        return INLINE_PASSWORD.matcher(url).matches() || PASSWORD_PARAM.matcher(url).matches();
    }

    /**
     * The message for a {@code *_env} key whose variable is not set. A conventional name (upper case, digits, '_') is
     * shown; any other is withheld, because a user who misread the key may have written the secret itself there.
     */
    static String unsetVariable(String path, String variable, String example) {
        if (variable.matches("[A-Z_][A-Z0-9_]*")) {
            return path + " names the environment variable " + variable + ", which is not set; export it before"
                    + " running, e.g. export " + variable + "=" + example;
        }
        return path + " names an environment variable that is not set (its name is not shown because it is not"
                + " in upper case and may be a secret written by mistake); " + path.substring(path.lastIndexOf('.') + 1)
                + " takes the NAME of a variable, e.g. SHOP_DB_PASSWORD";
    }

    private static String envName(YamlObject s, String key) {
        String name = s.string(key);
        if (name != null && !ENV_NAME.matcher(name).matches()) {
            s.problems().add(s.pathOf(key) + " must name an environment variable (letters, digits, '_'), not a"
                    + " value; e.g. " + key + ": RIVET_SOURCE_" + (key.equals("url_env") ? "URL" : "PASSWORD"));
            return null;
        }
        return name;
    }

    /** Checks the URL's scheme (without echoing the URL, which may hold secrets) and returns the dialect. */
    private static String checkScheme(String url, String dialect, String where, Problems problems) {
        String lower = url.toLowerCase(Locale.ROOT);
        String fromUrl;
        if (lower.startsWith("jdbc:postgresql:") || lower.startsWith("postgres://")
                || lower.startsWith("postgresql://")) {
            fromUrl = "postgres";
        } else if (lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:")
                || lower.startsWith("mysql://") || lower.startsWith("mariadb://")) {
            fromUrl = "mysql";
        } else {
            problems.add(where + " must start with postgresql://, postgres://, mysql://, jdbc:postgresql: or"
                    + " jdbc:mysql:");
            return dialect;
        }
        if (dialect != null && !dialect.equals(fromUrl)) {
            problems.add(where + " is a " + fromUrl + " URL but source.type is " + dialect
                    + "; make them agree or remove source.type");
        }
        return fromUrl;
    }

    private static String hostUrl(YamlObject s, String dialect) {
        Problems problems = s.problems();
        if (dialect == null && !s.has("type")) {
            problems.add(s.pathOf("type") + " is required with host/port/database: postgres or mysql");
        }
        String host = s.requiredString("host", "the database server's name or address");
        String database = s.requiredString("database", "the database to read from");
        Integer port = s.has("port") ? s.integer("port", 1, 65_535) : null;
        if (host == null || database == null || dialect == null || (s.has("port") && port == null)) {
            return null;
        }
        if (database.matches(".*[/?#&;\\s].*")) {
            problems.add(s.pathOf("database") + " must be a plain database name but is \"" + database + "\"");
            return null;
        }
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        boolean postgres = dialect.equals("postgres");
        int p = port != null ? port : postgres ? 5432 : 3306;
        return (postgres ? "jdbc:postgresql://" : "jdbc:mysql://") + h + ":" + p + "/" + database;
    }
}
