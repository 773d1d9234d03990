package io.rivet;

import io.rivet.spi.ObjectWriter;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an export's files go: the storage SPI. A sink opens a staged object, streams bytes into it, and publishes it
 * atomically ({@link ObjectWriter#commit()}) or drops it ({@link ObjectWriter#abort()}); an object is never visible
 * half-written.
 *
 * <p>Keys are relative, {@code /}-separated paths below the sink's root, e.g.
 * {@code orders/20261121T074428Z-3f2a/part-00007-000.parquet}. Implementations must be thread-safe: parallel workers
 * open objects concurrently. Rivet calls {@link #open(String)} with a key it has already written only to replace it
 * (a retried or resumed chunk), so publishing must overwrite.
 *
 * <p>Built-ins: the local file system ({@link #local(Path)}), and S3 and GCS in their own modules, all found by URI
 * scheme through {@link io.rivet.spi.SinkProvider}. A sink instance passed to an export belongs to the caller.
 */
public interface Sink {

    /** The sink's root as a URI, for messages and the manifest, e.g. {@code file:///data/out/}. Never holds secrets. */
    String location();

    /**
     * Opens a staged object at {@code key}. The caller must {@linkplain ObjectWriter#commit() commit} or
     * {@linkplain ObjectWriter#abort() abort} it (closing without a commit aborts).
     *
     * @throws io.rivet.exception.SinkException when the object cannot be staged
     */
    ObjectWriter open(String key);

    /**
     * Lists the keys of the published objects whose keys start with {@code prefix}, in no particular order. Staged,
     * unpublished objects are not listed.
     */
    List<String> list(String prefix);

    /** Deletes the published object at {@code key}; returns false when there was none. */
    boolean delete(String key);

    /**
     * Opens a published object for reading. Used by validation and resume.
     *
     * @throws io.rivet.exception.SinkException when the object does not exist or cannot be read
     */
    InputStream read(String key);

    /**
     * Removes leftovers of staged objects that were never committed or aborted (a killed process) under
     * {@code prefix}. Returns how many were removed. The default does nothing, for stores whose staging is invisible
     * and self-cleaning.
     */
    default int cleanStaging(String prefix) {
        return 0;
    }

    /** A sink for a directory on the local file system (created if missing). */
    static Sink local(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new UriSink(directory.toAbsolutePath().normalize().toUri(), Map.of());
    }

    /**
     * A sink named by URI ({@code file:}, {@code s3:}, {@code gs:}), resolved through {@link io.rivet.spi.SinkProvider}
     * when the export runs.
     */
    static Sink uri(String uri) {
        return new UriSink(URI.create(Objects.requireNonNull(uri, "uri")), Map.of());
    }

    /** A sink named by URI with provider options (e.g. {@code region}, {@code endpoint}). */
    static Sink uri(URI uri, Map<String, String> options) {
        return new UriSink(Objects.requireNonNull(uri, "uri"), options);
    }
}
