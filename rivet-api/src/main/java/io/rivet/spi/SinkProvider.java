package io.rivet.spi;

import io.rivet.Sink;
import java.net.URI;
import java.util.Map;

/**
 * Creates sinks for one URI scheme; registered in {@code META-INF/services/io.rivet.spi.SinkProvider}. The constructor
 * must be cheap and do no I/O (ServiceLoader instantiates every provider, used or not). Implementations are
 * thread-safe.
 */
public interface SinkProvider {

    /** The URI scheme this provider serves, e.g. {@code file}, {@code s3}, {@code gs}. */
    String scheme();

    /**
     * Creates a sink rooted at {@code uri}. The returned sink owns whatever clients it creates and releases them when
     * closed, if it is {@link AutoCloseable}.
     *
     * @throws io.rivet.exception.RivetConfigException for an unusable URI or option
     */
    Sink create(URI uri, Map<String, String> options);
}
