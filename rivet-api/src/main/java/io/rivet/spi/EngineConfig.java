package io.rivet.spi;

import io.rivet.DataSize;
import io.rivet.ExportListener;
import io.rivet.state.StateStore;
import java.util.List;

/**
 * The engine settings collected by {@link io.rivet.Rivet.Builder}, handed to {@link EngineFactory}. Immutable. Not for
 * applications.
 *
 * @param stateStore the state store, or {@code null} for the default file store
 * @param stateStoreOwned whether the engine closes the state store (true when it built it)
 * @param memoryLimit the limit of the engine's Arrow allocator
 * @param listeners listeners notified of every export
 * @param classLoader the class loader for provider discovery
 */
public record EngineConfig(StateStore stateStore, boolean stateStoreOwned, DataSize memoryLimit,
        List<ExportListener> listeners, ClassLoader classLoader) {
    /** Copies the listener list. */
    public EngineConfig {
        listeners = List.copyOf(listeners);
    }
}
