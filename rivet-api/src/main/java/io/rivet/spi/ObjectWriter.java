package io.rivet.spi;

import java.io.OutputStream;

/**
 * One staged object being written to a {@link io.rivet.Sink}. Not thread-safe: one writer thread owns it.
 *
 * <p>Lifecycle: write bytes to {@link #stream()}, then either {@link #commit()} to publish the object atomically under
 * its key (replacing any object there), or {@link #abort()} to drop it. {@link #close()} after neither aborts. Both
 * {@code abort} and {@code close} may be called more than once. Closing {@link #stream()} does not publish: it says
 * that no more bytes follow, so a sink may send what it still buffers (a cloud sink's last part) before the commit.
 *
 * <p>A stream write that fails because of the sink should throw an {@link java.io.IOException} whose cause is an
 * {@link io.rivet.exception.SinkException}; the engine then keeps its message and {@code retryable()}.
 */
public interface ObjectWriter extends AutoCloseable {

    /** The key this object will be published under. */
    String key();

    /**
     * The stream to write the object's bytes to. Owned by this writer: closing it only marks the end of the bytes
     * (it never publishes); the engine closes it when a file is finished.
     */
    OutputStream stream();

    /**
     * Publishes the object: after this returns it is visible, complete, under {@link #key()}.
     *
     * @throws io.rivet.exception.SinkException when publishing fails (the object is then not visible)
     */
    void commit();

    /** Drops the object; nothing becomes visible. Never throws. */
    void abort();

    /** Aborts unless committed. Never throws. */
    @Override
    void close();
}
