package io.rivet.cli.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys allowed at each level of {@code rivet.yaml}, and targeted advice for keys that users of the Rust tool are
 * likely to bring along. The key names follow the Rust tool's wherever the two overlap (DESIGN.md section 7).
 */
enum Keys {
    ROOT("source", "exports", "notifications"),
    SOURCE("type", "url", "url_env", "host", "port", "user", "database", "password_env", "tuning"),
    TUNING("profile", "batch_size", "throttle_ms", "statement_timeout_s", "lock_timeout_s", "max_retries"),
    EXPORT("name", "table", "query", "query_file", "mode", "cursor_column", "tie_breaker_column", "lookback_s",
            "chunk_column", "chunk_size", "parallel", "time_column", "days_window", "format", "compression",
            "compression_level", "row_group_size", "max_file_size", "skip_empty", "strict_types", "on_schema_drift",
            "destination", "quality", "tuning"),
    DESTINATION("type", "path", "bucket", "prefix", "region", "endpoint", "path_style", "access_key_env",
            "secret_key_env", "session_token_env", "sse", "sse_kms_key_id", "credentials_file", "project_id",
            "anonymous", "part_size", "parts_in_flight", "chunk_size", "upload_threads", "max_attempts", "checksums"),
    QUALITY("row_count_min", "row_count_max", "null_ratio_max", "unique_columns"),
    NOTIFICATIONS("slack"),
    SLACK("webhook_url_env", "on");

    /** The message for an inline secret; the same wording wherever one appears. */
    static final String SECRET_ADVICE =
            "put the password in an environment variable and use password_env / url_env";

    private final List<String> allowed;

    Keys(String... allowed) {
        this.allowed = List.of(allowed);
    }

    /** The allowed keys, in documentation order. */
    List<String> allowed() {
        return allowed;
    }

    boolean allows(String key) {
        return allowed.contains(key);
    }

    /**
     * Advice for a key that is not allowed here but has a known meaning (an inline secret, a tuning key outside
     * {@code tuning:}, a Rust-tool key with no counterpart), or {@code null} to fall back to "did you mean".
     */
    String adviceFor(String key, String path) {
        if (this == SOURCE && key.equals("password")) {
            return path + " is not allowed: " + SECRET_ADVICE;
        }
        if (this == SLACK && key.equals("webhook_url")) {
            return path + " is not allowed: a webhook URL is a secret; put it in an environment variable and use"
                    + " webhook_url_env";
        }
        if (this == DESTINATION && INLINE_CLOUD_SECRETS.contains(key)) {
            return path + " is not allowed: credentials never go in the file; put them in environment variables and"
                    + " use access_key_env / secret_key_env (S3), or a key file with credentials_file (GCS), or the"
                    + " default credential chain";
        }
        if ((this == SOURCE || this == EXPORT) && TUNING.allows(key)) {
            String parent = path.substring(0, path.length() - key.length());
            return "\"" + path + "\" belongs under tuning: write " + parent + "tuning." + key;
        }
        return RUST_ONLY.containsKey(key) && RUST_LEVELS.get(key).contains(this)
                ? "\"" + path + "\" is not supported: " + RUST_ONLY.get(key)
                : null;
    }

    /** Keys under which users paste cloud secrets; refused with advice, and their values are never echoed. */
    private static final Set<String> INLINE_CLOUD_SECRETS = Set.of("access_key", "secret_key", "access_key_id",
            "secret_access_key", "aws_access_key_id", "aws_secret_access_key", "session_token", "aws_session_token",
            "credentials", "credentials_json", "private_key");

    private static final Map<String, String> RUST_ONLY = Map.of(
            "url_file", "put the URL in an environment variable and use url_env",
            "tls", "set TLS options in the URL instead, e.g. ?sslmode=verify-full",
            "environment", "choose a profile with tuning.profile (safe, balanced or fast)",
            "chunk_checkpoint", "chunk checkpoints are always on; remove the key",
            "parallel_exports", "exports run one after another; remove the key");

    private static final Map<String, Set<Keys>> RUST_LEVELS = Map.of(
            "url_file", Set.of(SOURCE),
            "tls", Set.of(SOURCE),
            "environment", Set.of(SOURCE),
            "chunk_checkpoint", Set.of(EXPORT),
            "parallel_exports", Set.of(ROOT));
}
