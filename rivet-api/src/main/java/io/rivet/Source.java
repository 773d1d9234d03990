package io.rivet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Where an export reads from: a database described either by a caller-owned {@link DataSource} or by a URL plus
 * credential references. Immutable and thread-safe.
 *
 * <p>A {@code DataSource} passed in belongs to the caller: Rivet borrows connections from it and never closes it.
 * A source described by URL gets a small pool that Rivet creates per run ({@code parallelism + 1} connections) and
 * closes when the run ends. Describing a source by URL and an environment variable for the password keeps it
 * serializable, so a chunk task can open its own connection wherever it runs.
 *
 * <p>URLs may be JDBC URLs ({@code jdbc:postgresql://host:5432/db}) or the URI forms of the Rust tool's configs
 * ({@code postgresql://user:pass@host:5432/db}, {@code postgres://...}, {@code mysql://...}). {@link #toString()}
 * never shows a password, inline or in a URL.
 */
public final class Source {
    private final String dialect;
    private final DataSource dataSource;
    private final String url;
    private final String user;
    private final String password;
    private final String passwordEnv;
    private final Map<String, String> properties;

    private Source(Builder b) {
        this.dialect = b.dialect;
        this.dataSource = b.dataSource;
        this.url = b.url;
        this.user = b.user;
        this.password = b.password;
        this.passwordEnv = b.passwordEnv;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    }

    /** A PostgreSQL source backed by a caller-owned data source (never closed by Rivet). */
    public static Source postgres(DataSource dataSource) {
        return builder().dialect("postgres").dataSource(dataSource).build();
    }

    /** A MySQL or MariaDB source backed by a caller-owned data source (never closed by Rivet). */
    public static Source mysql(DataSource dataSource) {
        return builder().dialect("mysql").dataSource(dataSource).build();
    }

    /** A source backed by a caller-owned data source whose dialect is detected from its metadata. */
    public static Source jdbc(DataSource dataSource) {
        return builder().dataSource(dataSource).build();
    }

    /**
     * A source described by URL (JDBC or {@code postgresql://user:pass@host/db} form); the dialect follows the URL.
     *
     * @throws IllegalArgumentException if the URL is blank
     */
    public static Source jdbcUrl(String url) {
        return builder().url(url).build();
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this source's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dialect = dialect;
        b.dataSource = dataSource;
        b.url = url;
        b.user = user;
        b.password = password;
        b.passwordEnv = passwordEnv;
        b.properties.putAll(properties);
        return b;
    }

    /** The dialect name ({@code postgres} or {@code mysql}), or {@code null} to detect it. */
    public String dialect() {
        return dialect;
    }

    /** The caller-owned data source, or {@code null} when the source is described by URL. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The URL as given, or {@code null} when a data source was given. May contain credentials: never log it. */
    public String url() {
        return url;
    }

    /** The user name, or {@code null} to take it from the URL or the data source. */
    public String user() {
        return user;
    }

    /** The name of the environment variable holding the password, or {@code null}. */
    public String passwordEnv() {
        return passwordEnv;
    }

    /**
     * Resolves the password: the inline one if set, else the value of {@link #passwordEnv()}, else {@code null}.
     *
     * @throws io.rivet.exception.RivetConfigException if {@code passwordEnv} names an unset variable
     */
    public String resolvePassword() {
        if (password != null) {
            return password;
        }
        if (passwordEnv == null) {
            return null;
        }
        String value = System.getenv(passwordEnv);
        if (value == null) {
            throw new io.rivet.exception.RivetConfigException("the environment variable " + passwordEnv
                    + " (source password_env) is not set. Export it before running, e.g. export " + passwordEnv
                    + "=...");
        }
        return value;
    }

    /** Extra JDBC driver properties (e.g. {@code sslmode}). Unmodifiable. */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public String toString() {
        if (dataSource != null) {
            return "Source{" + (dialect == null ? "jdbc" : dialect) + ", dataSource=" + dataSource.getClass().getName()
                    + "}";
        }
        return "Source{" + (dialect == null ? "jdbc" : dialect) + ", url=" + redact(url)
                + (user == null ? "" : ", user=" + user) + "}";
    }

    /** Replaces the password of {@code user:password@} in a URL, and {@code password=} parameters, with {@code ***}. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
                .replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** Builds a {@link Source}. Not thread-safe. */
    public static final class Builder {
        private String dialect;
        private DataSource dataSource;
        private String url;
        private String user;
        private String password;
        private String passwordEnv;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Forces the dialect: {@code postgres} or {@code mysql}. */
        public Builder dialect(String dialect) {
            this.dialect = dialect;
            return this;
        }

        /** Reads through a caller-owned data source (never closed by Rivet). Clears any URL. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.url = null;
            return this;
        }

        /** Reads from a URL (JDBC or URI form). Clears any data source. */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            if (url.isBlank()) {
                throw new IllegalArgumentException("the source url is blank");
            }
            this.url = url;
            this.dataSource = null;
            return this;
        }

        /** The user name (overrides one in the URL). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** An inline password. Prefer {@link #passwordEnv(String)} so the secret stays out of code and config. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** The environment variable that holds the password, read when a connection is opened. */
        public Builder passwordEnv(String passwordEnv) {
            this.passwordEnv = passwordEnv;
            return this;
        }

        /** Adds a JDBC driver property such as {@code sslmode=verify-full}. */
        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Returns the source.
         *
         * @throws IllegalStateException if neither a URL nor a data source was given
         */
        public Source build() {
            if (dataSource == null && url == null) {
                throw new IllegalStateException("a source needs a url or a dataSource");
            }
            return new Source(this);
        }
    }
}
