package io.rivet.core.spi;

import io.rivet.Incubating;

/**
 * Finds a {@link Dialect}; registered in {@code META-INF/services/io.rivet.core.spi.DialectProvider}. The
 * constructor must be cheap and do no I/O.
 */
@Incubating(since = "0.1")
public interface DialectProvider {

    /** The dialect's name, as in {@code Source.builder().dialect(...)} and YAML {@code source.type}. */
    String name();

    /**
     * Turns a URL this dialect understands (a JDBC URL or a URI form such as {@code postgresql://user:pass@host/db})
     * into a JDBC URL, or returns {@code null} when the URL is not this dialect's.
     */
    String toJdbcUrl(String url);

    /** Whether this dialect serves a database whose JDBC product name is {@code productName}. */
    boolean supportsProduct(String productName);

    /** Creates the dialect. */
    Dialect create();
}
