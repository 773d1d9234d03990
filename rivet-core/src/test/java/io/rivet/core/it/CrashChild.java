package io.rivet.core.it;

import io.rivet.Export;
import io.rivet.Mode;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.core.internal.sink.local.LocalSinkProvider;
import io.rivet.spi.ObjectWriter;
import io.rivet.state.StateStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The process {@code CrashIT} kills: runs one export and, at the chosen point, says so on stdout and stops moving, so
 * the parent can SIGKILL it exactly there. Points: {@code write:<key part>} (the first bytes of a matching file are
 * staged), {@code commit:<key part>} (a matching object was just published).
 *
 * <p>Arguments: jdbc-url user out-dir mode(full|incremental|chunked) point.
 */
public final class CrashChild {
    static final String READY = "RIVET-CRASH-POINT-REACHED";

    private CrashChild() {
    }

    public static void main(String[] args) {
        String url = args[0];
        String user = args[1];
        Path out = Path.of(args[2]);
        String mode = args[3];
        String point = args[4];
        Sink sink = new PausingSink(new LocalSinkProvider().create(out.toUri(), Map.of()), point);
        try (Rivet rivet = Rivet.builder().stateStore(StateStores.file(out.resolve(".rivet"))).build()) {
            rivet.run(export(url, user, mode).sink(sink).build());
        }
        System.out.println("RIVET-CRASH-POINT-NEVER-REACHED");
    }

    /** The export both the child and the parent run. */
    static Export.Builder export(String url, String user, String mode) {
        Export.Builder b = Export.builder().name("crash_" + mode).source(Source.jdbcUrl(url).toBuilder().user(user)
                .build()).table("crash_rows").batchRows(100).throttle(java.time.Duration.ZERO);
        return switch (mode) {
            case "full" -> b.mode(Mode.full()).maxFileSize(io.rivet.DataSize.ofKibibytes(4));
            case "incremental" -> b.mode(Mode.incremental("updated_at").tieBreaker("id"))
                    .maxFileSize(io.rivet.DataSize.ofKibibytes(4));
            case "chunked" -> b.mode(Mode.chunked("id").chunkSize(250).parallelism(2));
            default -> throw new IllegalArgumentException(mode);
        };
    }

    /** Pauses the process forever at the point named, after announcing it. */
    private static void reached() {
        System.out.println(READY);
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // keep waiting for the kill
            }
        }
    }

    private static final class PausingSink implements Sink {
        private final Sink delegate;
        private final String kind;
        private final String keyPart;

        PausingSink(Sink delegate, String point) {
            this.delegate = delegate;
            int colon = point.indexOf(':');
            this.kind = point.substring(0, colon);
            this.keyPart = point.substring(colon + 1);
        }

        @Override
        public String location() {
            return delegate.location();
        }

        @Override
        public ObjectWriter open(String key) {
            ObjectWriter real = delegate.open(key);
            boolean matches = key.contains(keyPart);
            return new ObjectWriter() {
                private final OutputStream stream = new OutputStream() {
                    private boolean first = true;

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        real.stream().write(b, off, len);
                        if (first && matches && kind.equals("write")) {
                            real.stream().flush();
                            reached();
                        }
                        first = false;
                    }

                    @Override
                    public void flush() throws IOException {
                        real.stream().flush();
                    }
                };

                @Override
                public String key() {
                    return key;
                }

                @Override
                public OutputStream stream() {
                    return stream;
                }

                @Override
                public void commit() {
                    real.commit();
                    if (matches && kind.equals("commit")) {
                        reached();
                    }
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
            return delegate.list(prefix);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(key);
        }

        @Override
        public InputStream read(String key) {
            return delegate.read(key);
        }

        @Override
        public int cleanStaging(String prefix) {
            return delegate.cleanStaging(prefix);
        }
    }

}
