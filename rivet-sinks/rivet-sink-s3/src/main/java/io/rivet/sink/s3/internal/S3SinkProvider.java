package io.rivet.sink.s3.internal;

import io.rivet.DataSize;
import io.rivet.Sink;
import io.rivet.exception.RivetConfigException;
import io.rivet.sink.s3.S3Sink;
import io.rivet.sink.support.SinkOptions;
import io.rivet.spi.SinkProvider;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The {@code s3:} scheme: {@code s3://bucket/prefix/} becomes an {@link S3Sink} that owns its client (closed with the
 * sink). Options (all optional), as in YAML {@code destination}:
 *
 * <table>
 *   <caption>S3 sink options</caption>
 *   <tr><th>option</th><th>meaning</th></tr>
 *   <tr><td>{@code region}</td><td>the bucket's region; default: the SDK's region chain</td></tr>
 *   <tr><td>{@code endpoint}</td><td>an S3-compatible store's URL, e.g. {@code http://minio:9000}</td></tr>
 *   <tr><td>{@code path_style}</td><td>{@code true}/{@code false}; default true with an endpoint</td></tr>
 *   <tr><td>{@code access_key_env}, {@code secret_key_env}, {@code session_token_env}</td><td>names of environment
 *       variables holding the credentials (never the secrets themselves); default: the SDK's default chain</td></tr>
 *   <tr><td>{@code sse}</td><td>{@code s3} (SSE-S3, AES256) or {@code kms} (SSE-KMS); default: the bucket's</td></tr>
 *   <tr><td>{@code sse_kms_key_id}</td><td>the KMS key for {@code sse: kms}</td></tr>
 *   <tr><td>{@code part_size}</td><td>first part size, e.g. {@code 16MB} (default 5MB)</td></tr>
 *   <tr><td>{@code parts_in_flight}</td><td>parts of one file uploading at once (default 2)</td></tr>
 *   <tr><td>{@code upload_threads}</td><td>upload threads of the sink (default 8)</td></tr>
 *   <tr><td>{@code max_attempts}</td><td>attempts per request (default 5)</td></tr>
 *   <tr><td>{@code checksums}</td><td>{@code true}/{@code false}: CRC32 on every part (default true)</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe; the constructor does nothing.
 */
public final class S3SinkProvider implements SinkProvider {

    /** The options this provider understands; the CLI accepts exactly these as YAML destination keys. */
    public static final List<String> OPTIONS = List.of("region", "endpoint", "path_style", "access_key_env",
            "secret_key_env", "session_token_env", "sse", "sse_kms_key_id", "part_size", "parts_in_flight",
            "upload_threads", "max_attempts", "checksums");

    private final Function<String, String> environment;

    /** Creates the provider; credentials variables are read from the process environment. */
    public S3SinkProvider() {
        this(System::getenv);
    }

    /** Creates a provider reading credentials variables through {@code environment} (for tests). */
    S3SinkProvider(Function<String, String> environment) {
        this.environment = environment;
    }

    /** Returns {@code s3}. */
    @Override
    public String scheme() {
        return "s3";
    }

    /**
     * Creates the sink. Reads the credentials variables now, so a missing one fails before anything runs.
     *
     * @throws RivetConfigException for a URI that is not {@code s3://bucket[/prefix]}, an unknown or invalid option,
     *     or a credentials variable that is not set
     */
    @Override
    public Sink create(URI uri, Map<String, String> options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        String bucket = SinkOptions.bucket(uri, "s3", redact(uri), "set credentials with access_key_env/"
                + "secret_key_env or the default chain, and the endpoint with the endpoint option.");
        SinkOptions o = new SinkOptions("S3 sink " + uri, options, OPTIONS);
        String where = o.where();
        S3Sink.Builder b = S3Sink.builder().bucket(bucket).prefix(SinkOptions.prefix(uri));
        String region = o.get("region");
        if (region != null) {
            if (!region.matches("[a-z0-9-]{2,40}")) {
                throw new RivetConfigException(where + ": region \"" + region + "\" is not a region name such as"
                        + " eu-west-1.");
            }
            b.region(region);
        }
        URI endpoint = o.endpoint("endpoint", "http://127.0.0.1:9000");
        if (endpoint != null) {
            b.endpoint(endpoint);
        }
        if (o.has("path_style")) {
            b.pathStyle(o.bool("path_style"));
        }
        if (o.has("checksums")) {
            b.checksums(o.bool("checksums"));
        }
        credentials(where, options, b);
        String sse = o.get("sse");
        String kmsKey = o.get("sse_kms_key_id");
        if (sse != null) {
            switch (sse.toLowerCase(Locale.ROOT)) {
                case "s3", "aes256", "sse-s3" -> {
                    if (kmsKey != null) {
                        throw new RivetConfigException(where + ": sse_kms_key_id needs sse: kms, not sse: " + sse
                                + ".");
                    }
                    b.sseS3();
                }
                case "kms", "aws:kms", "sse-kms" -> b.sseKms(kmsKey);
                case "none" -> {
                    if (kmsKey != null) {
                        throw new RivetConfigException(where + ": sse_kms_key_id needs sse: kms.");
                    }
                }
                default -> throw new RivetConfigException(where + ": sse must be s3 (SSE-S3) or kms (SSE-KMS) but is"
                        + " \"" + sse + "\".");
            }
        } else if (kmsKey != null) {
            b.sseKms(kmsKey);
        }
        try {
            if (o.has("part_size")) {
                b.partSize(DataSize.parse(o.get("part_size")));
            }
            if (o.has("parts_in_flight")) {
                b.partsInFlight(o.integer("parts_in_flight"));
            }
            if (o.has("upload_threads")) {
                b.uploadThreads(o.integer("upload_threads"));
            }
            if (o.has("max_attempts")) {
                b.maxAttempts(o.integer("max_attempts"));
            }
        } catch (IllegalArgumentException e) {
            throw new RivetConfigException(where + ": " + e.getMessage() + ".", e);
        }
        return b.build();
    }

    private void credentials(String where, Map<String, String> options, S3Sink.Builder b) {
        String accessVar = options.get("access_key_env");
        String secretVar = options.get("secret_key_env");
        String tokenVar = options.get("session_token_env");
        if (accessVar == null && secretVar == null && tokenVar == null) {
            return;
        }
        if (accessVar == null || secretVar == null) {
            throw new RivetConfigException(where + ": access_key_env and secret_key_env go together; set both (to the"
                    + " names of the environment variables), or neither to use the default credential chain.");
        }
        String access = variable(where, "access_key_env", accessVar);
        String secret = variable(where, "secret_key_env", secretVar);
        AwsCredentials credentials = tokenVar == null ? AwsBasicCredentials.create(access, secret)
                : AwsSessionCredentials.create(access, secret, variable(where, "session_token_env", tokenVar));
        b.credentialsProvider(StaticCredentialsProvider.create(credentials));
    }

    private String variable(String where, String option, String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            // Never echo it: it may be a secret pasted in by mistake.
            throw new RivetConfigException(where + ": " + option + " must be the name of an environment variable"
                    + " (letters, digits, '_'), not the secret itself.");
        }
        String value = environment.apply(name);
        if (value == null || value.isEmpty()) {
            throw new RivetConfigException(where + ": the environment variable " + name + " (" + option + ") is not"
                    + " set; export it before running.");
        }
        return value;
    }

    private static String redact(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "***");
    }
}
