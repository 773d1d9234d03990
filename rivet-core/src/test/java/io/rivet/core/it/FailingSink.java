package io.rivet.core.it;

import io.rivet.Sink;
import io.rivet.spi.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Fault injection: a real sink whose objects whose keys contain a marker fail while being written, as a full disk or
 * a dropped connection would.
 */
class FailingSink implements Sink {
    private final Sink delegate;
    private final String marker;

    FailingSink(Sink delegate, String marker) {
        this.delegate = delegate;
        this.marker = marker;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public ObjectWriter open(String key) {
        ObjectWriter real = resolved().open(key);
        if (!key.contains(marker)) {
            return real;
        }
        return new ObjectWriter() {
            private final OutputStream failing = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("injected failure writing " + key);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    throw new IOException("injected failure writing " + key);
                }
            };

            @Override
            public String key() {
                return key;
            }

            @Override
            public OutputStream stream() {
                return failing;
            }

            @Override
            public void commit() {
                real.commit();
            }

            @Override
            public void abort() {
                real.abort();
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    @Override
    public List<String> list(String prefix) {
        return resolved().list(prefix);
    }

    @Override
    public boolean delete(String key) {
        return resolved().delete(key);
    }

    @Override
    public InputStream read(String key) {
        return resolved().read(key);
    }

    private Sink resolvedSink;

    private synchronized Sink resolved() {
        if (resolvedSink == null) {
            resolvedSink = new io.rivet.core.internal.sink.local.LocalSinkProvider()
                    .create(java.net.URI.create(delegate.location()), java.util.Map.of());
        }
        return resolvedSink;
    }
}
