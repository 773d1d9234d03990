package io.rivet;

import io.rivet.spi.ObjectWriter;
import java.io.InputStream;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sink named by URI and options, resolved to a real {@link Sink} through {@link io.rivet.spi.SinkProvider} when an
 * export runs. Immutable. It is a description, not a connection: its I/O methods throw
 * {@link IllegalStateException}; call {@code Rivet.resolveSink(...)} for a usable sink.
 */
public final class UriSink implements Sink {
    private final URI uri;
    private final Map<String, String> options;

    UriSink(URI uri, Map<String, String> options) {
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException("the sink URI \"" + uri + "\" has no scheme; write file:, s3: or gs:");
        }
        this.uri = uri;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** The URI. */
    public URI uri() {
        return uri;
    }

    /** The provider options. Unmodifiable. */
    public Map<String, String> options() {
        return options;
    }

    @Override
    public String location() {
        return uri.toString();
    }

    @Override
    public ObjectWriter open(String key) {
        throw unresolved();
    }

    @Override
    public List<String> list(String prefix) {
        throw unresolved();
    }

    @Override
    public boolean delete(String key) {
        throw unresolved();
    }

    @Override
    public InputStream read(String key) {
        throw unresolved();
    }

    private IllegalStateException unresolved() {
        return new IllegalStateException("the sink " + uri + " is a description; the engine resolves it when it runs");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UriSink u && u.uri.equals(uri) && u.options.equals(options);
    }

    @Override
    public int hashCode() {
        return uri.hashCode() * 31 + options.hashCode();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
