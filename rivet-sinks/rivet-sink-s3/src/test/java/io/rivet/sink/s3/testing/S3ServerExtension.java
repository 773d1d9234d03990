package io.rivet.sink.s3.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an {@link S3Server} child process before a test class and stops it (deleting its data) after:
 *
 * <pre>{@code
 * @RegisterExtension static final S3ServerExtension S3 = new S3ServerExtension("bucket-a");
 * }</pre>
 */
public final class S3ServerExtension implements BeforeAllCallback, AfterAllCallback {
    private final String[] buckets;
    private S3Server server;

    /** An extension that creates {@code buckets} once the server is up. */
    public S3ServerExtension(String... buckets) {
        this.buckets = buckets.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = S3Server.start();
        for (String bucket : buckets) {
            server.createBucket(bucket);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    /** The running server. */
    public S3Server server() {
        if (server == null) {
            throw new IllegalStateException("the S3 server starts before all tests of the class");
        }
        return server;
    }
}
