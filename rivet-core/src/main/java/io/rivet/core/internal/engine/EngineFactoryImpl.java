package io.rivet.core.internal.engine;

import io.rivet.Rivet;
import io.rivet.core.internal.state.FileStateStore;
import io.rivet.exception.RivetConfigException;
import io.rivet.spi.EngineConfig;
import io.rivet.spi.EngineFactory;
import io.rivet.state.StateStore;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** Bootstraps the engine for {@code rivet-api}; registered in {@code META-INF/services/io.rivet.spi.EngineFactory}. */
public final class EngineFactoryImpl implements EngineFactory {

    /** Cheap: ServiceLoader instantiates it whether or not it is used. */
    public EngineFactoryImpl() {
    }

    @Override
    public Rivet create(EngineConfig config) {
        ProviderRegistry providers = ProviderRegistry.discover(config.classLoader());
        return new DefaultRivet(config, rootAllocator(config.memoryLimit().toBytes()), providers);
    }

    @Override
    public StateStore fileStateStore(Path directory) {
        return FileStateStore.open(directory);
    }

    private static BufferAllocator rootAllocator(long limit) {
        try {
            return ArrowMemory.rootAllocator(limit);
        } catch (RuntimeException | LinkageError e) {
            if (String.valueOf(e.getMessage()).contains("add-opens") || e instanceof ExceptionInInitializerError
                    || e instanceof NoClassDefFoundError) {
                throw new RivetConfigException("Rivet's Arrow memory cannot start on this JVM: " + e.getMessage()
                        + ". Start Java with --add-opens=java.base/java.nio=ALL-UNNAMED (the rivet launcher does"
                        + " this for you).", e);
            }
            throw e;
        }
    }
}
