package io.rivet.sink.gcs.internal;

import com.google.cloud.NoCredentials;
import io.rivet.DataSize;
import io.rivet.Sink;
import io.rivet.exception.RivetConfigException;
import io.rivet.sink.gcs.GcsSink;
import io.rivet.spi.SinkProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code gs:} scheme: {@code gs://bucket/prefix/} becomes a {@link GcsSink} that owns its client. Options (all
 * optional), as in YAML {@code destination}:
 *
 * <table>
 *   <caption>GCS sink options</caption>
 *   <tr><th>option</th><th>meaning</th></tr>
 *   <tr><td>{@code credentials_file}</td><td>a service-account key file (JSON); default: Application Default
 *       Credentials</td></tr>
 *   <tr><td>{@code project_id}</td><td>the project; default: from the credentials or environment</td></tr>
 *   <tr><td>{@code endpoint}</td><td>another endpoint, e.g. an emulator's {@code http://127.0.0.1:4443}</td></tr>
 *   <tr><td>{@code anonymous}</td><td>{@code true} to send no credentials (emulators)</td></tr>
 *   <tr><td>{@code chunk_size}</td><td>bytes per upload request, a multiple of 256KB (default 8MB)</td></tr>
 *   <tr><td>{@code upload_threads}</td><td>upload threads of the sink (default 8)</td></tr>
 *   <tr><td>{@code max_attempts}</td><td>attempts per request (default 6)</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe; the constructor does nothing.
 */
public final class GcsSinkProvider implements SinkProvider {

    /** The options this provider understands. NOTE: the CLI's destination keys mirror this list. */
    public static final List<String> OPTIONS = List.of("credentials_file", "project_id", "endpoint", "anonymous",
            "chunk_size", "upload_threads", "max_attempts");

    /** Creates the provider. */
    public GcsSinkProvider() {
    }

    /** Returns {@code gs}. */
    @Override
    public String scheme() {
        return "gs";
    }

    /**
     * Creates the sink.
     *
     * @throws RivetConfigException for a URI that is not {@code gs://bucket[/prefix]}, an unknown or invalid option,
     *     or an unusable credentials file
     */
    @Override
    public Sink create(URI uri, Map<String, String> options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        if (!"gs".equalsIgnoreCase(uri.getScheme())) {
            throw new RivetConfigException("The URI " + uri + " is not a gs: URI; write gs://bucket/prefix/.");
        }
        String bucket = uri.getAuthority();
        if (bucket == null || bucket.isEmpty() || uri.getRawUserInfo() != null || uri.getPort() != -1
                || uri.getRawQuery() != null || uri.getRawFragment() != null || bucket.contains("@")) {
            throw new RivetConfigException("The sink URI must have the form gs://bucket/prefix/ with no user, port,"
                    + " query or fragment; set credentials with credentials_file or Application Default Credentials.");
        }
        List<String> unknown = new ArrayList<>();
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key)) {
                unknown.add(key);
            }
        }
        String where = "GCS sink " + uri;
        if (!unknown.isEmpty()) {
            throw new RivetConfigException(where + ": unknown option" + (unknown.size() == 1 ? " " : "s ") + unknown
                    + "; the options are " + String.join(", ", OPTIONS) + ".");
        }
        GcsSink.Builder b = GcsSink.builder().bucket(bucket).prefix(uri.getPath() == null ? "" : uri.getPath());
        String file = options.get("credentials_file");
        boolean anonymous = options.containsKey("anonymous") && bool(where, "anonymous", options.get("anonymous"));
        if (file != null && anonymous) {
            throw new RivetConfigException(where + ": credentials_file and anonymous: true exclude each other.");
        }
        if (file != null) {
            try {
                b.credentialsFile(Path.of(file));
            } catch (InvalidPathException e) {
                throw new RivetConfigException(where + ": credentials_file is not a valid path.", e);
            }
        }
        if (anonymous) {
            b.credentials(NoCredentials.getInstance());
        }
        if (options.get("project_id") != null) {
            b.projectId(options.get("project_id"));
        }
        if (options.get("endpoint") != null) {
            b.endpoint(endpoint(where, options.get("endpoint")));
        }
        try {
            if (options.containsKey("chunk_size")) {
                b.chunkSize(DataSize.parse(options.get("chunk_size")));
            }
            if (options.containsKey("upload_threads")) {
                b.uploadThreads(integer(where, "upload_threads", options.get("upload_threads")));
            }
            if (options.containsKey("max_attempts")) {
                b.maxAttempts(integer(where, "max_attempts", options.get("max_attempts")));
            }
        } catch (IllegalArgumentException e) {
            throw new RivetConfigException(where + ": " + e.getMessage() + ".", e);
        }
        return b.build();
    }

    private static URI endpoint(String where, String text) {
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null
                    || u.getRawUserInfo() != null) {
                throw new URISyntaxException(text, "it must be an http:// or https:// URL with a host and no user");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new RivetConfigException(where + ": endpoint is not usable (" + e.getReason() + ").", e);
        }
    }

    private static boolean bool(String where, String option, String value) {
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new RivetConfigException(where + ": " + option + " must be true or false but is \"" + value + "\".");
    }

    private static int integer(String where, String option, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new RivetConfigException(where + ": " + option + " must be a whole number but is \"" + value
                    + "\".", e);
        }
    }
}
