package io.rivet.core.internal.sink.local;

import io.rivet.Sink;
import io.rivet.exception.RivetConfigException;
import io.rivet.spi.SinkProvider;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code file:} scheme: {@code file:///data/out/} becomes a {@link LocalSink} rooted at {@code /data/out}. The
 * local sink takes no options. Stateless and thread-safe.
 */
public final class LocalSinkProvider implements SinkProvider {

    /** Creates the provider; does nothing else. */
    public LocalSinkProvider() {
    }

    /** Returns {@code file}. */
    @Override
    public String scheme() {
        return "file";
    }

    /**
     * Creates a {@link LocalSink} at {@code Path.of(uri)}. Does no I/O: the directory is created by the first write.
     *
     * @throws RivetConfigException when the URI is not an absolute {@code file:} URI with a path, or options are given
     */
    @Override
    public Sink create(URI uri, Map<String, String> options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new RivetConfigException("The URI " + uri + " is not a file: URI; the local sink serves only file:"
                    + " URIs such as file:///data/out/.");
        }
        if (!options.isEmpty()) {
            throw new RivetConfigException("The local sink " + uri + " takes no options, but got "
                    + options.keySet() + ". Remove them.");
        }
        Path root;
        try {
            root = Path.of(uri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new RivetConfigException("The sink URI " + uri + " does not name a local directory (" + e.getMessage()
                    + "). Write an absolute path without host, query or fragment, e.g. file:///data/out/.", e);
        }
        return new LocalSink(root);
    }
}
