package io.rivet.core.internal.engine;

import io.rivet.Export;
import io.rivet.ExportResult;
import io.rivet.Rivet;
import io.rivet.Sink;
import io.rivet.Source;
import io.rivet.UriSink;
import io.rivet.check.CheckReport;
import io.rivet.check.TableDiscovery;
import io.rivet.core.internal.check.Discovery;
import io.rivet.core.internal.check.Preflight;
import io.rivet.core.internal.distributed.ChunkDispatcher;
import io.rivet.core.internal.pipeline.ExportRun;
import io.rivet.core.internal.plan.Planner;
import io.rivet.core.internal.source.SourceConnections;
import io.rivet.core.internal.source.SourceErrors;
import io.rivet.core.spi.Column;
import io.rivet.core.spi.FormatProvider;
import io.rivet.core.spi.SessionSettings;
import io.rivet.exception.RivetConfigException;
import io.rivet.exception.RivetException;
import io.rivet.spi.EngineConfig;
import io.rivet.state.StateStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine behind {@link Rivet}: one allocator, one state store, the providers, and the runs under way. */
public final class DefaultRivet implements Rivet {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRivet.class);

    private final BufferAllocator allocator;
    private final StateStore store;
    private final boolean ownsStore;
    private final ListenerFanout listener;
    private final ProviderRegistry providers;
    private final Map<String, ExportRun> running = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    DefaultRivet(EngineConfig config, BufferAllocator allocator, ProviderRegistry providers) {
        this.allocator = allocator;
        this.store = config.stateStore();
        this.ownsStore = config.stateStoreOwned();
        this.listener = new ListenerFanout(config.listeners());
        this.providers = providers;
    }

    @Override
    public ExportResult run(Export export) {
        return execute(export, false);
    }

    @Override
    public ExportResult resume(Export export) {
        return execute(export, true);
    }

    /**
     * Runs (or with {@code resume} resumes) {@code export} with its chunk tasks run by {@code dispatcher} (Spark
     * executors) while this engine plans, records and commits. For rivet-spark, not for applications.
     */
    public ExportResult runDistributed(Export export, boolean resume, ChunkDispatcher dispatcher) {
        java.util.Objects.requireNonNull(dispatcher, "dispatcher");
        if (export.mode() instanceof io.rivet.ChunkedMode) {
            io.rivet.core.internal.distributed.ChunkJob.check(export);
        }
        return execute(export, resume, dispatcher);
    }

    private ExportResult execute(Export export, boolean resume) {
        return execute(export, resume, null);
    }

    private ExportResult execute(Export export, boolean resume, ChunkDispatcher dispatcher) {
        if (closed.get()) {
            throw new IllegalStateException("this Rivet engine is closed");
        }
        ExportRun run = new ExportRun(export, resume, providers, store, listener, allocator, dispatcher);
        if (running.putIfAbsent(export.name(), run) != null) {
            throw new RivetConfigException(export.name(), "Export \"" + export.name()
                    + "\" is already running in this engine; wait for it to finish.", null);
        }
        ResolvedSink sink = resolveSink(export.sink());
        try {
            LOG.debug("{}: starting {}", export.name(), export);
            return run.execute(sink.sink());
        } finally {
            running.remove(export.name(), run);
            sink.close();
        }
    }

    @Override
    public void validate(Export export) {
        ResolvedSink sink = resolveSink(export.sink());
        try {
            FormatProvider formats = providers.format(export.format().name());
            try (SourceConnections source = SourceConnections.open(export.source(), providers, 1, export.name())) {
                Planner planner = new Planner(export, source.dialect());
                try (Connection c = source.open()) {
                    source.dialect().beginSnapshot(c, new SessionSettings(
                            export.effectiveProfile().statementTimeout(), export.effectiveProfile().lockTimeout()));
                    try {
                        List<Column> columns = source.dialect().describe(c, planner.baseSql(), export.name());
                        formats.check(columns, export.name());
                        planner.plan(c, columns, store.cursor(export.name()).orElse(null));
                    } finally {
                        source.dialect().endSnapshot(c);
                    }
                } catch (SQLException e) {
                    throw SourceErrors.translate(export.name(), "validating", planner.target(), e, source.dialect());
                }
            }
        } finally {
            sink.close();
        }
    }

    /** Runs the preflight of docs/design/009-check-and-init.md; see {@link Preflight}. */
    @Override
    public CheckReport check(Export export) {
        ensureOpen();
        return new Preflight(providers, store).check(export);
    }

    @Override
    public TableDiscovery discoverTable(Source source, String table) {
        ensureOpen();
        return new Discovery(providers).table(source, table);
    }

    @Override
    public List<TableDiscovery> discoverSchema(Source source, String schema) {
        ensureOpen();
        return new Discovery(providers).schema(source, schema);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Rivet engine is closed");
        }
    }

    /** A sink ready for I/O, and whether this engine created it (and so closes it). */
    private record ResolvedSink(Sink sink, boolean owned) {
        void close() {
            if (owned && sink instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing sink {} failed: {}", sink.location(), e.toString());
                }
            }
        }
    }

    private ResolvedSink resolveSink(Sink sink) {
        if (sink instanceof UriSink u) {
            return new ResolvedSink(providers.sink(u.uri().getScheme()).create(u.uri(), u.options()), true);
        }
        return new ResolvedSink(sink, false);
    }

    @Override
    public StateStore stateStore() {
        return store;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running.values().forEach(ExportRun::cancel);
        RivetException failure = null;
        try {
            allocator.close();
        } catch (RuntimeException e) {
            failure = new RivetException("closing the engine's Arrow allocator found memory still in use (a Rivet"
                    + " bug, please report it): " + e.getMessage(), e);
        }
        if (ownsStore) {
            store.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
