package io.rivet;

import io.rivet.check.CheckReport;
import io.rivet.check.TableDiscovery;
import io.rivet.exception.ProviderConflictException;
import io.rivet.exception.ProviderNotFoundException;
import io.rivet.exception.RivetConfigException;
import io.rivet.spi.EngineConfig;
import io.rivet.spi.EngineFactory;
import io.rivet.state.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The export engine: long-lived, thread-safe, shared by all exports of an application (like an HTTP client). Build it
 * once with {@link #builder()}, run exports with {@link #run(Export)}, and close it at shutdown.
 *
 * <pre>{@code
 * try (Rivet rivet = Rivet.builder().stateStore(StateStores.file(Path.of(".rivet"))).build()) {
 *     ExportResult result = rivet.run(orders);
 * }
 * }</pre>
 *
 * <p>The engine owns one Arrow allocator with a hard limit ({@link Builder#memoryLimit(DataSize)}) shared by every
 * export it runs, and closes it on {@link #close()}. Several exports may run at once from different threads; two runs
 * of the same export at once are refused.
 *
 * <p>Arrow needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on the JVM command line; {@link Builder#build()}
 * checks for it and says so when it is missing.
 */
public interface Rivet extends AutoCloseable {

    /**
     * Runs an export to completion and publishes it. For a chunked export whose previous run failed, this starts a
     * new run and abandons the failed one (its files were never published by a manifest); use {@link #resume(Export)}
     * to continue it instead.
     *
     * @throws io.rivet.exception.RivetException (a subtype) when the export fails; nothing is published then
     */
    ExportResult run(Export export);

    /**
     * Continues the newest unfinished run of a chunked export, reading only the chunks that were not published and
     * overwriting their files; runs the export afresh when there is nothing to resume.
     *
     * @throws io.rivet.exception.RivetException (a subtype) when the export fails
     */
    ExportResult resume(Export export);

    /**
     * Checks an export against its environment without writing anything: the sink provider exists, the source
     * connects, the table, query and columns exist, and every column's type maps.
     *
     * @throws io.rivet.exception.RivetException (a subtype) naming the first problem found
     */
    void validate(Export export);

    /**
     * Preflight: inspects the export's source without writing anything and reports whether it is ready to run: the
     * table or query exists and maps, the mode's columns exist and are indexed, the database's plan and row estimate,
     * the connected user's privileges (a superuser or a user that can write is flagged, with the SQL for a SELECT-only
     * user), replica and replication lag, connection headroom against {@code parallelism + 1}, the timeouts in effect
     * and long-running transactions already on the source. Everything runs in one read-only snapshot of the same kind
     * an export uses; a probe the user may not run is reported as not checked, never as a failure of the check.
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}, so that other implementations of
     * this interface keep compiling; the engine built by {@link #builder()} implements it.
     *
     * @return the report; its {@link io.rivet.check.CheckReport#verdict() verdict} says whether the export can run
     * @throws io.rivet.exception.RivetException (a subtype) when the source cannot be reached at all (a connection or
     *     authentication failure), so there is nothing to report on
     */
    @Incubating(since = "0.1")
    default CheckReport check(Export export) {
        throw new UnsupportedOperationException("check is not implemented by " + getClass().getName());
    }

    /**
     * Describes one live table ({@code table} or {@code schema.table}) and suggests how to export it (what
     * {@code rivet init} writes). Reads only the catalog, the statistics and, for a chunk key, its {@code MIN} and
     * {@code MAX} through the primary key's index, in one read-only snapshot.
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}; the engine built by
     * {@link #builder()} implements it.
     *
     * @throws io.rivet.exception.RivetConfigException when the table does not exist or the source's dialect cannot be
     *     inspected
     * @throws io.rivet.exception.RivetException (a subtype) when the source cannot be reached
     */
    @Incubating(since = "0.1")
    default TableDiscovery discoverTable(Source source, String table) {
        throw new UnsupportedOperationException("discoverTable is not implemented by " + getClass().getName());
    }

    /**
     * Describes every table of {@code schema} (ordinary and partitioned tables, by name) as
     * {@link #discoverTable(Source, String)} does. An empty schema gives an empty list.
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}; the engine built by
     * {@link #builder()} implements it.
     *
     * @throws io.rivet.exception.RivetConfigException when the schema does not exist or the source's dialect cannot
     *     be inspected
     * @throws io.rivet.exception.RivetException (a subtype) when the source cannot be reached
     */
    @Incubating(since = "0.1")
    default List<TableDiscovery> discoverSchema(Source source, String schema) {
        throw new UnsupportedOperationException("discoverSchema is not implemented by " + getClass().getName());
    }

    /** The engine's state store (its own, or the one passed to the builder). */
    StateStore stateStore();

    /**
     * Cancels running exports, waits for their workers, and releases the engine's resources (allocator, the state
     * store if it built it). May be called more than once; throws no checked exception.
     */
    @Override
    void close();

    /** Starts a builder. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * This library's version, e.g. {@code 0.1.0}, as Maven built it; {@code "unknown"} when the build's version file
     * is missing (classes repackaged without their resources). Written into every Parquet file's {@code created_by}.
     */
    static String version() {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = Rivet.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** Builds a {@link Rivet} engine. Not thread-safe. */
    final class Builder {
        private StateStore stateStore;
        private Path stateDirectory = Path.of(".rivet");
        private DataSize memoryLimit = DataSize.ofMebibytes(512);
        private final List<ExportListener> listeners = new ArrayList<>();
        private ClassLoader classLoader;

        private Builder() {
        }

        /**
         * Uses a caller-owned state store (never closed by the engine). Default: the embedded file store in
         * {@code .rivet/} of the working directory, created and closed by the engine.
         */
        public Builder stateStore(StateStore stateStore) {
            this.stateStore = Objects.requireNonNull(stateStore, "stateStore");
            return this;
        }

        /** Where the default file state store lives (default {@code .rivet}); ignored when a store is given. */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * The hard limit on Arrow memory for all exports of this engine (default 512MB). Batches are sized so that
         * every worker's buffers fit; an export that cannot fit fails with a
         * {@link io.rivet.exception.ResourceLimitException} rather than exhausting the process.
         */
        public Builder memoryLimit(DataSize memoryLimit) {
            Objects.requireNonNull(memoryLimit, "memoryLimit");
            if (memoryLimit.toBytes() < 16L * 1024 * 1024) {
                throw new IllegalArgumentException("memoryLimit must be at least 16MB but was " + memoryLimit);
            }
            this.memoryLimit = memoryLimit;
            return this;
        }

        /** Adds a listener notified of every export's events. */
        public Builder addListener(ExportListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The class loader used to discover providers (default: the thread's context loader, then Rivet's). */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /**
         * Returns the engine.
         *
         * @throws ProviderNotFoundException when {@code rivet-core} is not on the class path
         * @throws RivetConfigException when the JVM lacks the flag Arrow needs
         */
        public Rivet build() {
            ClassLoader loader = classLoader;
            if (loader == null) {
                loader = Thread.currentThread().getContextClassLoader();
            }
            if (loader == null) {
                loader = Rivet.class.getClassLoader();
            }
            List<EngineFactory> factories = new ArrayList<>();
            for (EngineFactory f : ServiceLoader.load(EngineFactory.class, loader)) {
                factories.add(f);
            }
            if (factories.isEmpty() && loader != Rivet.class.getClassLoader()) {
                for (EngineFactory f : ServiceLoader.load(EngineFactory.class, Rivet.class.getClassLoader())) {
                    factories.add(f);
                }
            }
            if (factories.isEmpty()) {
                throw new ProviderNotFoundException("engine", "rivet-core", List.of(),
                        "Add io.rivet:rivet-core to the class path (Maven: io.rivet:rivet-core, version from rivet-bom).");
            }
            if (factories.size() > 1) {
                List<String> names = new ArrayList<>();
                factories.forEach(f -> names.add(f.getClass().getName()));
                throw new ProviderConflictException("engine", "rivet-core", names);
            }
            EngineFactory factory = factories.get(0);
            StateStore store = stateStore;
            boolean owned = false;
            if (store == null) {
                store = factory.fileStateStore(stateDirectory);
                owned = true;
            }
            return factory.create(new EngineConfig(store, owned, memoryLimit, listeners, loader));
        }

    }
}
