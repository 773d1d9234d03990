package io.rivet.sink.gcs.internal;

import com.google.cloud.NoCredentials;
import io.rivet.DataSize;
import io.rivet.Sink;
import io.rivet.exception.RivetConfigException;
import io.rivet.sink.gcs.GcsSink;
import io.rivet.sink.support.SinkOptions;
import io.rivet.spi.SinkProvider;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
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

    /** The options this provider understands; the CLI accepts exactly these as YAML destination keys. */
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
        String bucket = SinkOptions.bucket(uri, "gs", uri.toString(), "set credentials with credentials_file or"
                + " Application Default Credentials.");
        SinkOptions o = new SinkOptions("GCS sink " + uri, options, OPTIONS);
        String where = o.where();
        GcsSink.Builder b = GcsSink.builder().bucket(bucket).prefix(SinkOptions.prefix(uri));
        String file = o.get("credentials_file");
        boolean anonymous = Boolean.TRUE.equals(o.bool("anonymous"));
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
        if (o.get("project_id") != null) {
            b.projectId(o.get("project_id"));
        }
        URI endpoint = o.endpoint("endpoint", "http://127.0.0.1:4443");
        if (endpoint != null) {
            b.endpoint(endpoint);
        }
        try {
            if (o.has("chunk_size")) {
                b.chunkSize(DataSize.parse(o.get("chunk_size")));
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
}
