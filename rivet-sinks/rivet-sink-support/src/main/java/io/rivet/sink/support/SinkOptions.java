package io.rivet.sink.support;

import io.rivet.exception.RivetConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cloud sink provider's URI and options: the bucket from a {@code scheme://bucket/prefix/} URI, the check that no
 * option is unknown, and typed values whose errors name the sink, the option and what it takes. Every failure is a
 * {@link RivetConfigException}. Immutable; thread-safe.
 */
public final class SinkOptions {
    private final String where;
    private final Map<String, String> options;

    /**
     * Checks that every key of {@code options} is in {@code known}.
     *
     * @param where how messages name the sink, e.g. {@code "S3 sink s3://bucket/prefix/"}
     * @throws RivetConfigException naming the unknown options and listing the known ones
     */
    public SinkOptions(String where, Map<String, String> options, List<String> known) {
        this.where = where;
        this.options = Map.copyOf(options);
        List<String> unknown = new ArrayList<>();
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            throw new RivetConfigException(where + ": unknown option" + (unknown.size() == 1 ? " " : "s ") + unknown
                    + "; the options are " + String.join(", ", known) + ".");
        }
    }

    /**
     * The bucket of a {@code scheme://bucket/prefix/} URI.
     *
     * @param shown the URI as messages may show it (without secrets)
     * @param hint what the message about a malformed URI adds, e.g. where credentials go instead
     * @throws RivetConfigException for another scheme, or a URI with no bucket or with a user, port, query or fragment
     */
    public static String bucket(URI uri, String scheme, String shown, String hint) {
        if (!scheme.equalsIgnoreCase(uri.getScheme())) {
            throw new RivetConfigException("The URI " + shown + " does not start with " + scheme + "://; write "
                    + scheme + "://bucket/prefix/.");
        }
        String bucket = uri.getAuthority();
        if (bucket == null || bucket.isEmpty() || uri.getRawUserInfo() != null || uri.getPort() != -1
                || uri.getRawQuery() != null || uri.getRawFragment() != null || bucket.contains("@")) {
            throw new RivetConfigException("The sink URI " + shown + " must have the form " + scheme
                    + "://bucket/prefix/ with no user, port, query or fragment; " + hint);
        }
        return bucket;
    }

    /** The prefix of a {@code scheme://bucket/prefix/} URI: its path, or empty. */
    public static String prefix(URI uri) {
        return uri.getPath() == null ? "" : uri.getPath();
    }

    /** How messages name the sink. */
    public String where() {
        return where;
    }

    /** The option's value as given, or {@code null}. */
    public String get(String option) {
        return options.get(option);
    }

    /** Whether the option is given. */
    public boolean has(String option) {
        return options.containsKey(option);
    }

    /** {@code true} or {@code false} (any case), or {@code null} when absent. */
    public Boolean bool(String option) {
        String value = options.get(option);
        if (value == null) {
            return null;
        }
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new RivetConfigException(where + ": " + option + " must be true or false but is \"" + value + "\".");
    }

    /** A whole number, or {@code null} when absent; the range is the caller's to check. */
    public Integer integer(String option) {
        String value = options.get(option);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new RivetConfigException(where + ": " + option + " must be a whole number but is \"" + value
                    + "\".", e);
        }
    }

    /**
     * An {@code http://} or {@code https://} URL with a host and no user, or {@code null} when absent.
     *
     * @param example a usable value for the message, e.g. {@code http://127.0.0.1:9000}
     */
    public URI endpoint(String option, String example) {
        String text = options.get(option);
        if (text == null) {
            return null;
        }
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null
                    || u.getRawUserInfo() != null) {
                throw new URISyntaxException(text, "it must be an http:// or https:// URL with a host and no user");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new RivetConfigException(where + ": " + option + " is not usable (" + e.getReason() + "), e.g. "
                    + example + ".", e);
        }
    }
}
